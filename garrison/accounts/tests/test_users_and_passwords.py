from __future__ import annotations

import http.server
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from garrison.access.errors import AccessDenied
from garrison.access.roles import Role
from garrison.accounts.models import ApiToken, User
from garrison.accounts.passwords import breached_count
from garrison.accounts.services import users
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import api_client, make_token
from garrison.core.tests.personas import PASSWORD, make_user


def test_admin_creates_a_user_with_a_one_time_password_they_must_replace(personas):
    response = personas.client("admin").post(
        reverse("accounts:user_create"), {"email": "New.Person@Example.org", "full_name": "New", "role": "developer"}
    )
    assert response.status_code == 200
    found = re.search(r'id="one-time-password">([^<]+)<', response.content.decode())
    assert found
    password = found.group(1)
    user = User.objects.get(email="new.person@example.org")
    assert user.role == Role.DEVELOPER and user.password_change_required
    assert user.password.startswith("argon2")
    client = Client()
    client.post(reverse("accounts:login"), {"email": "new.person@example.org", "password": password})
    # A developer must enrol two-factor first, then choose a password.
    assert client.get("/")["Location"] == reverse("accounts:mfa_setup")


def test_user_with_one_time_password_is_sent_to_change_it(db):
    user = make_user("otp@example.net", Role.NONE, mfa=False)
    user.password_change_required = True
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get("/")["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {"current": PASSWORD, "new": "a much better passphrase 2026", "repeat": "a much better passphrase 2026"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("outsider@example.net", "too similar"),
    ],
)
def test_password_policy(personas, new, message):
    with pytest.raises(ValidationError) as info:
        users.password_change(user=personas.outsider, current=PASSWORD, new=new, actor=personas.outsider)
    assert message in " ".join(info.value.messages)
    personas.outsider.refresh_from_db()
    assert personas.outsider.check_password(PASSWORD)


def test_password_change_ends_other_sessions(personas):
    other = personas.client("outsider")
    mine = personas.client("outsider")
    mine.post(
        reverse("accounts:password_change"),
        {"current": PASSWORD, "new": "another long passphrase 99", "repeat": "another long passphrase 99"},
    )
    assert mine.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_deactivation_ends_sessions_and_tokens_on_the_next_request(personas):
    session = personas.client("triager")
    api = api_client(personas.triager)
    assert session.get("/").status_code == 200
    assert api.get("/api/v1/me").status_code == 200
    personas.client("admin").post(reverse("accounts:user_deactivate", args=[personas.triager.pk]))
    assert session.get("/").status_code == 302
    assert api.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.filter(user=personas.triager, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action=AuditAction.USER_DEACTIVATED)
    assert event.actor_id == personas.admin.pk and event.data["tokens_revoked"] == 1


def test_deactivated_user_cannot_sign_in(personas):
    users.user_deactivate(user=personas.outsider, actor=personas.admin)
    response = Client().post(reverse("accounts:login"), {"email": "outsider@example.net", "password": PASSWORD})
    assert response.status_code == 400


def test_last_admin_cannot_be_demoted_or_deactivated(personas):
    with pytest.raises(ValidationError):
        users.user_set_role(user=personas.admin, role=Role.DEVELOPER, actor=personas.admin)
    with pytest.raises(ValidationError):
        users.user_deactivate(user=personas.admin, actor=personas.admin)
    personas.admin.refresh_from_db()
    assert personas.admin.role == Role.ADMIN and personas.admin.is_active


def test_role_change_is_audited_and_denied_to_non_managers(personas):
    with pytest.raises(AccessDenied):
        users.user_set_role(user=personas.developer, role=Role.ADMIN, actor=personas.security_lead)
    personas.developer.refresh_from_db()
    assert personas.developer.role == Role.DEVELOPER
    users.user_set_role(user=personas.developer, role=Role.TRIAGER, actor=personas.admin)
    event = AuditEvent.objects.get(action=AuditAction.USER_ROLE_CHANGED)
    assert event.data == {"from": "developer", "to": "triager"}


def test_user_list_query_count_does_not_grow(personas, django_assert_max_num_queries):
    client = personas.client("admin")
    client.get(reverse("accounts:user_list"))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("accounts:user_list"))
    for i in range(30):
        make_user(f"bulk{i}@example.org", Role.DEVELOPER, mfa=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("accounts:user_list")).status_code == 200


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):
        type(self).seen.append(self.path)
        # SHA-1 of "password123456" is 7C4A8...; answer with its suffix so the count is found.
        body = b"6A2E6D0C15F7C0B4F58F0C5A5E8A2D6CA:3\r\n"
        import hashlib

        suffix = hashlib.sha1(b"password123456").hexdigest().upper()[5:]  # noqa: S324
        body += f"{suffix}:4242\r\n".encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_breached_password_range_query_sends_only_five_hex_characters():
    server = http.server.HTTPServer(("127.0.0.1", 0), _RangeHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = f"http://127.0.0.1:{server.server_port}/range/"
        assert breached_count("password123456", api=api) == 4242
        assert breached_count("a different passphrase 77", api=api) == 0
    finally:
        server.shutdown()
    assert all(re.fullmatch(r"/range/[0-9A-F]{5}", p) for p in _RangeHandler.seen)
    assert len(_RangeHandler.seen) == 2


@override_settings(GARRISON_BREACHED_PASSWORD_CHECK=False)
def test_breached_check_is_off_by_default(personas):
    users.password_change(
        user=personas.outsider, current=PASSWORD, new="a perfectly new phrase 5", actor=personas.outsider
    )


def test_token_is_shown_once_and_stored_hashed(personas):
    token_raw = make_token(personas.auditor)
    token = ApiToken.objects.get(user=personas.auditor)
    assert token_raw.startswith(f"gar_{token.prefix}_")
    assert token.token_hash != token_raw and token_raw not in token.token_hash
