"""Links and addresses that notifications carry: keys and links only, never embargoed text."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import make_msgid
from django.db.models import QuerySet

from garrison.access.roles import SECURITY_TEAM_ROLES, Role
from garrison.accounts.models import User


def issue_link(issue: Any) -> str:
    return f"{settings.BASE_URL}/issues/{issue.pk}/"


def tracking_link(token: str) -> str:
    return f"{settings.BASE_URL}/track/{token}"


def page_ack_link(page: Any) -> str:
    return f"{settings.BASE_URL}/notify/pages/{page.pk}/ack"


def _split(address: str) -> tuple[str, str]:
    """(local part, domain) of an address, also when written with a display name ("Garrison <g@example.org>")."""
    local, _, domain = (parseaddr(address)[1] or address).rpartition("@")
    return (local or address), (domain or "localhost")


def reply_address(reply_key: str) -> str:
    """``security+<reply_key>@domain``: a reporter's email reply threads to their issue."""
    local, domain = _split(settings.GARRISON_SECURITY_EMAIL)
    return f"{local}+{reply_key}@{domain}"


def new_message_id() -> str:
    return make_msgid(domain=_split(settings.DEFAULT_FROM_EMAIL)[1])


def security_team() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=SECURITY_TEAM_ROLES).order_by("email")


def security_leads() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.SECURITY_LEAD).order_by("email")
