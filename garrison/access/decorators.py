from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from garrison.access.permissions import Permission
from garrison.access.policy import can


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": "Not allowed", "message": "Your role does not allow this. Ask an administrator if you need it."},
        status=403,
    )


def permission_required(permission: Permission) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page-level gate (type permission only); object-level checks stay in the selectors and services."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, permission):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
