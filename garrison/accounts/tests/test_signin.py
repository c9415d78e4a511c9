from __future__ import annotations

import pyotp
import pytest
from django.test import Client, override_settings
from django.urls import reverse

from garrison.access.roles import Role
from garrison.accounts.services.signin import INVALID, THROTTLED
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.personas import PASSWORD, make_user

LOGIN = reverse("accounts:login")
LOGIN_MFA = reverse("accounts:login_mfa")


def _password_step(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def _code(user) -> str:
    return pyotp.TOTP(user.test_totp_secret).now()


def test_sign_in_with_password_then_totp_reaches_dashboard(personas):
    client = Client()
    response = _password_step(client, "LEAD@example.org")
    assert response.status_code == 302 and response["Location"] == LOGIN_MFA
    assert client.get("/").status_code == 302  # not signed in before the second factor
    response = client.post(LOGIN_MFA, {"code": _code(personas.security_lead)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN).get()
    assert event.actor_id == personas.security_lead.pk
    assert event.data == {"second_factor": "totp"}


def test_unknown_email_and_wrong_password_get_the_same_answer(personas):
    unknown = _password_step(Client(), "nobody@example.org")
    wrong = _password_step(Client(), "lead@example.org", "not the password at all")
    assert unknown.status_code == wrong.status_code == 400
    assert INVALID in unknown.content.decode() and INVALID in wrong.content.decode()
    failed = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).order_by("seq")
    assert [(e.actor_label, e.actor_id) for e in failed] == [
        ("nobody@example.org", None),
        ("lead@example.org", personas.security_lead.pk),
    ]


@override_settings(GARRISON_LOCKOUT_THRESHOLD=3)
def test_account_locks_after_repeated_failures_even_for_the_right_password(personas):
    for _ in range(3):
        _password_step(Client(), "lead@example.org", "wrong password number x")
    response = _password_step(Client(), "lead@example.org")
    assert response.status_code == 400
    assert THROTTLED in response.content.decode()
    lockouts = AuditEvent.objects.filter(action=AuditAction.LOCKOUT)
    assert [(e.actor_id, e.data) for e in lockouts] == [(personas.security_lead.pk, {"scope": "account"})]


@override_settings(GARRISON_LOCKOUT_THRESHOLD=3)
def test_lockout_applies_to_unknown_emails_too_so_it_reveals_nothing(db):
    for _ in range(3):
        _password_step(Client(), "ghost@example.org", "whatever password 1")
    response = _password_step(Client(), "ghost@example.org", "whatever password 1")
    assert THROTTLED in response.content.decode()


@override_settings(GARRISON_LOCKOUT_THRESHOLD=100, GARRISON_LOCKOUT_IP_THRESHOLD=4)
def test_address_is_throttled_across_many_emails(personas):
    for i in range(4):
        _password_step(Client(), f"spray{i}@example.org", "Spring2026!!", REMOTE_ADDR="203.0.113.9")
    blocked = _password_step(Client(), "lead@example.org", REMOTE_ADDR="203.0.113.9")
    assert THROTTLED in blocked.content.decode()
    elsewhere = _password_step(Client(), "lead@example.org", REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, data__scope="ip").count() == 1


def test_a_totp_code_is_accepted_only_once(personas):
    first = Client()
    _password_step(first, "lead@example.org")
    code = _code(personas.security_lead)
    assert first.post(LOGIN_MFA, {"code": code}).status_code == 302
    second = Client()
    _password_step(second, "lead@example.org")
    response = second.post(LOGIN_MFA, {"code": code})
    assert response.status_code == 400
    assert second.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED).count() == 1


def test_recovery_code_signs_in_once(personas, client):
    from garrison.accounts.services import mfa

    user = make_user("fresh@example.org", Role.TRIAGER, mfa=False)
    secret = mfa.mfa_begin(user=user)
    codes = mfa.mfa_confirm(user=user, code=pyotp.TOTP(secret).now())
    assert len(codes) == 10 and len(set(codes)) == 10
    _password_step(client, "fresh@example.org")
    assert client.post(LOGIN_MFA, {"code": codes[0].upper()}).status_code == 302
    client.post(reverse("accounts:logout"))
    _password_step(client, "fresh@example.org")
    assert client.post(LOGIN_MFA, {"code": codes[0]}).status_code == 400
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODE_USED).get().data == {"left": 9}


def test_recovery_codes_are_stored_hashed(personas):
    from garrison.accounts.models import RecoveryCode
    from garrison.accounts.services import mfa

    user = make_user("hash@example.org", Role.TRIAGER, mfa=False)
    codes = mfa.mfa_confirm(user=user, code=pyotp.TOTP(mfa.mfa_begin(user=user)).now())
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)


def test_pending_second_factor_expires(personas, client, monkeypatch):
    _password_step(client, "lead@example.org")
    import time as time_module

    real = time_module.time
    monkeypatch.setattr("garrison.accounts.views.signin.time.time", lambda: real() + 301)
    response = client.post(LOGIN_MFA, {"code": _code(personas.security_lead)})
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_open_redirect_after_sign_in_is_refused(personas):
    client = Client()
    client.post(LOGIN, {"email": "outsider@example.net", "password": PASSWORD, "next": "https://evil.example/"})
    assert client.get("/").status_code == 200  # signed in (no second factor for this role) ...
    client.logout()
    response = Client().post(LOGIN, {"email": "outsider@example.net", "password": PASSWORD, "next": "//evil.example"})
    assert response["Location"] == "/"  # ... and sent home, not to the other site


def test_logout_is_post_only_and_audited(personas):
    client = personas.client("triager")
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=personas.triager).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECURITY_LEAD, Role.TRIAGER, Role.DEVELOPER, Role.AUDITOR])
def test_privileged_roles_without_two_factor_can_only_enrol(db, role):
    user = make_user(f"{role}@example.org", role, mfa=False)
    client = Client()
    client.force_login(user)
    for path in ["/", reverse("org:team_list"), reverse("accounts:profile"), reverse("accounts:token_create")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("accounts:mfa_setup")
    assert client.get(reverse("accounts:mfa_setup")).status_code == 200


@pytest.mark.parametrize("role", [Role.REPORTER, Role.NONE])
def test_external_roles_are_not_forced_to_enrol(db, role):
    client = Client()
    client.force_login(make_user(f"{role}@example.net", role, mfa=False))
    assert client.get(reverse("accounts:profile")).status_code == 200
