from __future__ import annotations

from django.test import override_settings

from garrison.access.roles import Role
from garrison.accounts.oidc import GarrisonOIDCBackend
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent

OIDC = {
    "OIDC_RP_CLIENT_ID": "garrison",
    "OIDC_RP_CLIENT_SECRET": "s3cret",
    "OIDC_OP_TOKEN_ENDPOINT": "https://sso.example.org/token",
    "OIDC_OP_USER_ENDPOINT": "https://sso.example.org/userinfo",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://sso.example.org/auth",
    "OIDC_RP_SIGN_ALGO": "HS256",
}


@override_settings(**OIDC)
def test_only_verified_emails_are_accepted(db):
    backend = GarrisonOIDCBackend()
    assert backend.verify_claims({"email": "a@example.org", "email_verified": True})
    assert not backend.verify_claims({"email": "a@example.org", "email_verified": False})
    assert not backend.verify_claims({"email": "a@example.org"})


@override_settings(**OIDC)
def test_users_are_matched_by_email_and_deactivated_ones_are_not(personas):
    backend = GarrisonOIDCBackend()
    assert list(backend.filter_users_by_claims({"email": "LEAD@example.org"})) == [personas.security_lead]
    personas.security_lead.is_active = False
    personas.security_lead.save()
    assert list(backend.filter_users_by_claims({"email": "lead@example.org"})) == []


@override_settings(**OIDC)
def test_created_sso_users_have_no_role_and_are_audited(db):
    user = GarrisonOIDCBackend().create_user({"email": "New@Example.org", "name": "New Person"})
    assert (user.email, user.role, user.has_usable_password()) == ("new@example.org", Role.NONE, False)
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATED)
    assert (event.actor_label, event.target_id) == ("sso", str(user.pk))
