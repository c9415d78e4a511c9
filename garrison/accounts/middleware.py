from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths a signed-in user who still has to enrol in two-factor may reach; everything else sends them there.
_ENROLMENT_ALLOWED = ("/account/2fa/", "/account/logout", "/static/", "/health")


class MfaEnforcementMiddleware:
    """A user whose role requires two-factor and who has not enrolled can do nothing but enrol or sign out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.mfa_required
            and not user.mfa_enabled
            and not request.path.startswith(_ENROLMENT_ALLOWED)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Two-factor enrolment is required before using Garrison.", "errors": []}, status=403
                )
            return redirect("accounts:mfa_setup")
        return self.get_response(request)
