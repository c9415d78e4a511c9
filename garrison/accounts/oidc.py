"""Optional OpenID Connect single sign-on (mozilla-django-oidc). Off unless GARRISON_OIDC_ENABLED; see docs/sso.md.

Users are matched by verified email. Unknown users are refused unless GARRISON_OIDC_CREATE_USERS is on, in which
case they are created with no role. Two-factor enrolment in Garrison still applies to staff roles.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from garrison.accounts.models import User
from garrison.accounts.services import signin, users
from garrison.accounts.views.signin import second_factor_pending


class GarrisonOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(email__iexact=str(claims.get("email", "")).strip(), is_active=True)

    def create_user(self, claims: dict[str, Any]) -> User:
        return users.user_create_from_sso(email=str(claims["email"]), full_name=str(claims.get("name", "")))


class GarrisonOIDCCallbackView(OIDCAuthenticationCallbackView):
    def login_success(self) -> HttpResponse:
        if self.user.mfa_enabled:
            # Garrison cannot tell how the provider authenticated the person: an enrolled second factor still counts.
            return second_factor_pending(self.request, self.user, next_url=self.success_url)
        response: HttpResponse = super().login_success()
        signin.signed_in(request=self.request, user=self.user, method="sso")
        return response
