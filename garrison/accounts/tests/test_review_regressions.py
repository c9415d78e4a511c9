"""Regressions found in review of the accounts API."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from garrison.accounts.models import ApiToken
from garrison.accounts.tests.test_oidc import OIDC
from garrison.core.tests.api_client import api_client
from garrison.core.tests.personas import make_user


def test_a_token_expiry_without_time_zone_is_422_and_creates_nothing(personas):
    api = api_client(personas.developer)
    before = ApiToken.objects.count()
    response = api.post(
        "/api/v1/tokens", {"name": "ci", "scopes": ["org:component:view"], "expires_at": "2026-12-01T00:00:00"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_at"
    assert ApiToken.objects.count() == before


def _sso_callback(user):
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from garrison.accounts.oidc import GarrisonOIDCCallbackView

    request = RequestFactory().get("/oidc/callback/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    view = GarrisonOIDCCallbackView()
    view.request, view.user = request, user
    return request, view.login_success()


@override_settings(**OIDC)
def test_sso_sign_in_of_an_enrolled_user_still_asks_for_the_second_factor(personas):
    request, response = _sso_callback(personas.triager)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_mfa")
    assert SESSION_KEY not in request.session
    assert request.session["garrison_mfa_pending"]["user"] == str(personas.triager.pk)


@override_settings(**OIDC)
def test_sso_sign_in_of_a_user_without_second_factor_signs_in(personas):
    user = make_user("sso-none@example.org", "none", mfa=False)
    request, response = _sso_callback(user)
    assert response.status_code == 302
    assert request.session[SESSION_KEY] == str(user.pk)
