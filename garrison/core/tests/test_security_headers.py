"""Security headers and cookie flags on real responses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.test import Client, override_settings

REPO = Path(__file__).resolve().parents[3]


def test_pages_carry_a_strict_policy_and_the_usual_headers(db):
    response = Client().get("/account/login")
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Server" not in response and "X-Powered-By" not in response
    assert "Strict-Transport-Security" not in response  # plain http: HSTS would be meaningless


def test_session_and_csrf_cookies_are_httponly_and_samesite(personas):
    client = Client()
    client.get("/account/login")
    csrf = client.cookies["garrison_csrf"]
    response = client.post(
        "/account/login",
        {
            "email": "outsider@example.net",
            "password": "correct horse battery staple 42",
            "csrfmiddlewaretoken": csrf.value,
        },
    )
    session = response.cookies["garrison_session"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_is_sent_over_https(db):
    response = Client().get("/account/login", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_an_https_base_url_makes_cookies_secure_and_turns_on_hsts():
    code = (
        "import config.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.CSRF_TRUSTED_ORIGINS)"
    )
    env = {"PATH": "/usr/bin:/bin", "GARRISON_SECRET_KEY": "k" * 60, "GARRISON_BASE_URL": "https://sec.example.org"}
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "True True 31536000 True ['https://sec.example.org']"


def test_csrf_is_enforced_on_forms(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/login", {"email": "outsider@example.net", "password": "x" * 12})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_error_pages_say_nothing_about_the_data(personas):
    response = personas.client("developer").get("/org/teams/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "There is nothing here, or you may not see it." in response.content.decode()
