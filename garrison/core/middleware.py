from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from garrison.core import request_context


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it, and the
    # proxy is expected to pass the real address through (see docs/deployment.md).
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Records the client address and user agent for the audit log, and strips version-leaking headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        via = "api" if request.path.startswith("/api/") else "web"
        info = request_context.RequestInfo(
            ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], via=via
        )
        token = request_context.set_current(info)
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        for header in ("Server", "X-Powered-By"):
            if header in response:
                del response[header]
        return response
