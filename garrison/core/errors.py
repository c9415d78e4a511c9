"""Error pages that say what happened and nothing about the data behind them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(title: str, message: str, status: int) -> HttpResponse:
    # Rendered without the request context: an error page must not depend on the failing request's state.
    body = render_to_string("core/error_plain.html", {"title": title, "message": message})
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("Bad request", "The request could not be understood.", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("Not allowed", "Your role does not allow this.", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("Not found", "There is nothing here, or you may not see it.", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _page("Something went wrong", "The error has been logged. Try again in a moment.", 500)
