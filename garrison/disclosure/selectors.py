"""Reads of advisories. A published advisory is public. Before that, an advisory is visible to holders of
ADVISORY_VIEW who may see every security issue it grows out of (so an advisory never leaks an embargoed issue) and
every component and release line it names (so it never leaks a classified one)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from garrison.access.classification import visible_q
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.disclosure.models import Advisory, AdvisoryProduct, DisclosureLevel


def public_advisories() -> QuerySet[Advisory]:
    return Advisory.objects.filter(level=DisclosureLevel.PUBLIC, published_at__isnull=False)


def advisories_visible_to(*, actor: Any) -> QuerySet[Advisory]:
    if not can(actor, Permission.ADVISORY_VIEW):
        return public_advisories()
    from garrison.issues.selectors import issues_visible_to

    through = Advisory.issues.through
    hidden_issue = through.objects.filter(advisory_id=OuterRef("pk")).exclude(
        securityissue_id__in=issues_visible_to(actor=actor).order_by().values("pk")
    )
    # A product on a component or release line whose classification label the actor may not see hides the
    # draft too (an imported advisory has no issue, and a product names the component).
    seen = visible_q(actor, "component__classification") & (
        Q(release_line__isnull=True) | visible_q(actor, "release_line__classification")
    )
    hidden_product = AdvisoryProduct.objects.filter(advisory_id=OuterRef("pk")).exclude(seen)
    return Advisory.objects.filter(
        Q(level=DisclosureLevel.PUBLIC, published_at__isnull=False) | (~Exists(hidden_issue) & ~Exists(hidden_product))
    )


def get_advisory_for(*, actor: Any, identifier: str) -> Advisory:
    found = (
        advisories_visible_to(actor=actor)
        .filter(identifier__iexact=(identifier or "").strip())
        .prefetch_related("products__component", "products__release_line", "credits", "revisions", "issues")
        .first()
    )
    if found is None:
        raise Http404("No such advisory")
    return found
