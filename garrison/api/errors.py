"""One error shape for every 4xx: ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from garrison.access.errors import AccessDenied

logger = logging.getLogger("garrison.api")


class NotFound(Exception):
    """The object does not exist, or the caller may not know that it does (same answer for both)."""


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "header", "cookie", "file"}:
        parts = parts[1:]
    # ninja wraps a body schema under its parameter name; drop it so clients see their own field names
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "body"


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def install(api: NinjaAPI) -> None:
    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"field": _field(e.get("loc", [])), "message": str(e.get("msg", "invalid"))} for e in exc.errors]
        return api.create_response(request, error_body("The request is not valid.", errors), status=422)

    def django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors: list[dict[str, str]] = []
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                errors.extend({"field": field if field != "__all__" else "", "message": m} for m in messages)
        else:
            errors = [{"field": "", "message": m} for m in exc.messages]
        return api.create_response(request, error_body("The request is not valid.", errors), status=422)

    def auth_error(request: HttpRequest, exc: Any) -> HttpResponse:
        response = api.create_response(request, error_body("A valid API token is required."), status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    def denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body(f"Not allowed: needs {exc.permission}."), status=403)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body("Not found."), status=404)

    def unstorable(request: HttpRequest, exc: Any) -> HttpResponse:
        # e.g. a NUL character in a query parameter: PostgreSQL refuses it; the caller's input, not our fault
        logger.info("database refused a value on %s %s: %s", request.method, request.path, exc)
        detail = "The request holds a value the database cannot take (a NUL character, or a number out of range)."
        return api.create_response(request, error_body(detail), status=422)

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        return api.create_response(request, error_body("Internal error; it has been logged."), status=500)

    api.add_exception_handler(Exception, unexpected)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(DjangoValidationError, django_validation)
    api.add_exception_handler(AuthenticationError, auth_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(AccessDenied, denied)
    api.add_exception_handler(NotFound, not_found)
    api.add_exception_handler(DataError, unstorable)
    api.add_exception_handler(Http404, not_found)
