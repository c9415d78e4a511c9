from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

# While a step is pending, a signed-in user may reach only these paths; everything else sends them to the step.
_ALWAYS_ALLOWED = ("/account/logout", "/static/", "/health")
_ENROLMENT_PATHS = ("/account/2fa/setup",)
_PASSWORD_PATHS = ("/account/password",)


class MfaEnforcementMiddleware:
    """A user whose role requires two-factor and who has not enrolled can do nothing but enrol or sign out;
    a user with a one-time password must choose their own before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "token_scopes", None) is not None:
            return self.get_response(request)
        path = request.path
        if path.startswith(_ALWAYS_ALLOWED):
            return self.get_response(request)
        if user.mfa_required and not user.mfa_enabled:
            if path.startswith(_ENROLMENT_PATHS):
                return self.get_response(request)
            return self._blocked(request, "accounts:mfa_setup", "Two-factor enrolment is required first.")
        if user.password_change_required:
            if path.startswith(_PASSWORD_PATHS):
                return self.get_response(request)
            return self._blocked(request, "accounts:password_change", "Choose your own password first.")
        return self.get_response(request)

    @staticmethod
    def _blocked(request: HttpRequest, to: str, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": []}, status=403)
        return redirect(to)
