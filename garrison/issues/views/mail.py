"""Dead letters: intakes (emails) that could not be stored, for the people who manage intake (INTAKE_MANAGE).

The pages show the metadata and the reason, never the message itself (it may hold an embargoed report and an
administrator is not necessarily in its security level); the raw message is a download, audited.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.core.forms import ServiceForm
from garrison.issues import services
from garrison.issues.models import DeadLetter, DeadLetterStatus
from garrison.issues.selectors import can_see_issue, dead_letters_visible_to, get_dead_letter_for
from garrison.org.views.paging import paged


class DiscardForm(ServiceForm):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why it needs no retry (spam, a test, handled by hand). Kept in the audit log.",
    )


def _detail(request: HttpRequest, row: DeadLetter, form: DiscardForm | None = None, status: int = 200) -> HttpResponse:
    issue = row.issue
    context: dict[str, Any] = {
        "row": row,
        "form": form or DiscardForm(),
        "pending": row.status == DeadLetterStatus.PENDING,
        "issue_key": issue.key if issue is not None else "",
        "issue_visible": issue is not None and can_see_issue(request.user, issue),
    }
    return render(request, "issues/mail_dead_letter_detail.html", context, status=status)


@login_required
@permission_required(Permission.INTAKE_MANAGE)
def dead_letter_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = dead_letters_visible_to(actor=request.user).select_related("issue")
    if status in DeadLetterStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    context = paged(request, rows)
    context.update(status=status, statuses=DeadLetterStatus.choices)
    return render(request, "issues/mail_dead_letter_list.html", context)


@login_required
@permission_required(Permission.INTAKE_MANAGE)
def dead_letter_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _detail(request, get_dead_letter_for(actor=request.user, pk=pk))


@login_required
@require_POST
@permission_required(Permission.INTAKE_MANAGE)
def dead_letter_retry(request: HttpRequest, pk: UUID) -> HttpResponse:
    row = get_dead_letter_for(actor=request.user, pk=pk)
    try:
        result = services.dead_letter_retry(actor=request.user, dead_letter=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except AccessDenied:
        return forbidden(request)
    else:
        if result.kind == "dead_letter":
            messages.error(request, f"Still not stored: {result.detail}")
        elif result.kind == "ignored":
            messages.success(request, f"Nothing to store: {result.detail}.")
        else:
            key = result.issue.key if result.issue is not None else ""
            messages.success(request, f"Stored: {result.kind} {key}.")
    return redirect("mail:dead_letter_detail", pk=row.pk)


@login_required
@require_POST
@permission_required(Permission.INTAKE_MANAGE)
def dead_letter_discard(request: HttpRequest, pk: UUID) -> HttpResponse:
    row = get_dead_letter_for(actor=request.user, pk=pk)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            services.dead_letter_discard(actor=request.user, dead_letter=row, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, "Dead letter discarded.")
            return redirect("mail:dead_letter_detail", pk=row.pk)
    return _detail(request, row, form, status=422)


@login_required
@permission_required(Permission.INTAKE_MANAGE)
def dead_letter_raw(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The raw message as opaque bytes (never rendered by the browser); audited."""
    row = get_dead_letter_for(actor=request.user, pk=pk)
    try:
        data = services.dead_letter_raw(actor=request.user, dead_letter=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, row, status=409)
    except AccessDenied:
        return forbidden(request)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="dead-letter-{pk}.eml"'  # a UUID: nothing to quote
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-store"
    return response
