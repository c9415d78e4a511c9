"""The reporter's side of credits: what they are asked to accept (read through their tracking link's issue)."""

from __future__ import annotations

from typing import Any

from garrison.disclosure.models import Credit, CreditConsent


def pending_credits_for(issue: Any) -> list[Credit]:
    """Credits of advisories linked to ``issue`` still waiting for the reporter's answer."""
    return list(
        Credit.objects.filter(issue=issue, consent=CreditConsent.PENDING, advisory__issues=issue)
        .select_related("advisory")
        .distinct()
        .order_by("created_at")
    )
