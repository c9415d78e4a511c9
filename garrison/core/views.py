from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission
from garrison.issues.selectors_listing import dashboard_counts


@login_required
@permission_required(Permission.DASHBOARD_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"issue_counts": dashboard_counts(actor=request.user)})


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers. Says nothing about the data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 (any database failure means unhealthy)
        return JsonResponse({"status": "database unavailable"}, status=503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": "Form expired",
            "message": "This form has expired or was not sent from Garrison. Reload the page and try again.",
        },
        status=403,
    )
