"""The personas of every authorisation test (STYLE.md): one per role, plus anonymous and an outsider.

`developer` is a member of team "Platform", which is responsible for component "core-api"; component
"billing" belongs to team "Payments", which the developer is not in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from django.test import Client

from garrison.access.roles import Role
from garrison.accounts.models import User
from garrison.core import crypto

PASSWORD = "correct horse battery staple 42"


def make_user(email: str, role: str, *, mfa: bool = True, active: bool = True, full_name: str = "") -> User:
    """Create a user directly (test set-up, not an application path). Staff get an enrolled TOTP secret."""
    user = User.objects.create_user(email=email, password=PASSWORD, role=role, is_active=active, full_name=full_name)
    if mfa:
        secret = pyotp.random_base32()
        user.totp_secret_sealed = crypto.seal_text(secret, associated_data=f"user.totp:{user.pk}")
        from garrison.core import clock

        user.totp_confirmed_at = clock.now()
        user.save()
        user.test_totp_secret = secret  # type: ignore[attr-defined]
    return user


@dataclass
class Personas:
    admin: User
    security_lead: User
    triager: User
    developer: User
    auditor: User
    reporter: User
    outsider: User
    world: dict[str, Any]

    def user(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)

    def client(self, name: str) -> Client:
        """A Django test client signed in as the persona (session already past two-factor)."""
        client = Client()
        user = self.user(name)
        if user is not None:
            client.force_login(user)
        return client


PERSONA_NAMES = ["anonymous", "reporter", "outsider", "developer", "triager", "security_lead", "auditor", "admin"]


@pytest.fixture
def personas(db: Any) -> Personas:
    from garrison.org.models import Component, ReleaseLine, Team, TeamMembership

    p = Personas(
        admin=make_user("admin@example.org", Role.ADMIN, full_name="Ada Admin"),
        security_lead=make_user("lead@example.org", Role.SECURITY_LEAD, full_name="Lee Lead"),
        triager=make_user("triager@example.org", Role.TRIAGER, full_name="Tia Triager"),
        developer=make_user("dev@example.org", Role.DEVELOPER, full_name="Dev Eloper"),
        auditor=make_user("auditor@example.org", Role.AUDITOR, full_name="Audra Auditor"),
        reporter=make_user("reporter@example.net", Role.REPORTER, mfa=False),
        outsider=make_user("outsider@example.net", Role.NONE, mfa=False),
        world={},
    )
    platform = Team.objects.create(name="Platform", lead=p.developer)
    payments = Team.objects.create(name="Payments")
    TeamMembership.objects.create(team=platform, user=p.developer)
    p.world["platform"] = platform
    p.world["payments"] = payments
    p.world["core_api"] = Component.objects.create(name="core-api", responsible_team=platform)
    p.world["billing"] = Component.objects.create(name="billing", responsible_team=payments)
    p.world["quesnelia"] = ReleaseLine.objects.create(name="Quesnelia")
    return p
