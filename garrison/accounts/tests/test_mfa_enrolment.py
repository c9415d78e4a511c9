from __future__ import annotations

import re

import pyotp
from django.test import Client
from django.urls import reverse

from garrison.access.roles import Role
from garrison.accounts.models import User
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import api_client
from garrison.core.tests.personas import PASSWORD, make_user

SETUP = reverse("accounts:mfa_setup")


def _secret_from_page(html: str) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert match, "the setup page shows the key for manual entry"
    return match.group(1).replace(" ", "")


def test_enrolment_shows_qr_and_key_then_confirms_with_a_code(db):
    user = make_user("new.dev@example.org", Role.DEVELOPER, mfa=False)
    client = Client()
    client.force_login(user)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "qrline" in page
    secret = _secret_from_page(page)
    response = client.post(SETUP, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.content.decode())
    assert len(codes) == 10
    user.refresh_from_db()
    assert user.mfa_enabled
    assert secret not in user.totp_secret_sealed  # sealed, not stored in clear
    assert client.get("/").status_code == 200  # no longer held at enrolment
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROLLED, actor=user).count() == 1


def test_wrong_code_keeps_the_same_secret_and_enables_nothing(db):
    user = make_user("new.lead@example.org", Role.SECURITY_LEAD, mfa=False)
    client = Client()
    client.force_login(user)
    secret = _secret_from_page(client.get(SETUP).content.decode())
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert _secret_from_page(response.content.decode()) == secret
    user.refresh_from_db()
    assert not user.mfa_enabled


def test_regenerating_recovery_codes_needs_a_current_code_and_voids_old_ones(personas):
    from garrison.accounts.services import mfa

    lead = personas.security_lead
    client = personas.client("security_lead")
    url = reverse("accounts:recovery_codes")
    assert client.post(url, {"code": "123456"}).status_code == 400
    lead.totp_last_step = 0
    response = client.post(url, {"code": pyotp.TOTP(lead.test_totp_secret).now()})
    assert response.status_code == 200
    assert mfa.recovery_codes_left(User.objects.get(pk=lead.pk)) == 10
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODES_REGENERATED).count() == 1


def test_admin_resets_two_factor_and_the_user_must_enrol_again(personas):
    admin_client = personas.client("admin")
    target = personas.triager
    triager_client = personas.client("triager")
    triager_api = api_client(target)
    assert triager_api.get("/api/v1/me").status_code == 200
    response = admin_client.post(reverse("accounts:user_mfa_reset", args=[target.pk]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.mfa_enabled and target.totp_secret_sealed == ""
    # (force_login sessions are not in UserSession; a real sign-in's would end: see test_users_and_passwords)
    assert triager_client.get("/")["Location"] == reverse("accounts:mfa_setup")
    assert triager_api.get("/api/v1/me").status_code == 401  # and their API tokens
    assert AuditEvent.objects.get(action=AuditAction.MFA_RESET).data == {"sessions_ended": 0, "tokens_revoked": 1}


def test_only_user_managers_can_reset_two_factor(personas):
    response = personas.client("security_lead").post(reverse("accounts:user_mfa_reset", args=[personas.triager.pk]))
    assert response.status_code == 403
    personas.triager.refresh_from_db()
    assert personas.triager.mfa_enabled


def test_two_factor_reset_ends_sessions_opened_by_a_real_sign_in(personas):
    from django.contrib.sessions.models import Session

    lead = personas.security_lead
    client = Client()
    client.post(reverse("accounts:login"), {"email": lead.email, "password": PASSWORD})
    client.post(reverse("accounts:login_mfa"), {"code": pyotp.TOTP(lead.test_totp_secret).now()})
    assert client.get("/").status_code == 200
    key = client.session.session_key

    personas.client("admin").post(reverse("accounts:user_mfa_reset", args=[lead.pk]))

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))
