"""``{% pending_credits issue as credits %}``: for the reporter's tracking page."""

from __future__ import annotations

from typing import Any

from django import template

from garrison.disclosure.selectors_consent import pending_credits_for

register = template.Library()


@register.simple_tag
def pending_credits(issue: Any) -> list[Any]:
    return pending_credits_for(issue)
