"""The public intake pages: the report form (/report, no account needed) and the reporter's private tracking page
(/track/<token>) with their reply form and file downloads.

Everything under /track/ is private to whoever holds the link: no caching, no Referer leaving the page, no
indexing. Unknown tokens give the ordinary 404 page and count against the address (garrison.issues.tracking).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from garrison.core.errors import page_not_found
from garrison.issues import services, tracking
from garrison.issues.forms.intake import ReplyForm, ReportForm, incoming_files
from garrison.issues.models import Channel, SecurityIssue
from garrison.issues.selectors import attachments_for_reporter
from garrison.issues.views.capped_uploads import capped_uploads

FRESH = "garrison_intake_fresh"  # session key: the report just filed here, to show its link once
# same-origin: the token in the URL never goes to another site as a referrer, while our own form posts keep their
# Origin header (no-referrer would make browsers send "Origin: null", which the CSRF check refuses).
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex, nofollow"}


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every response of a tracking URL, errors included: not stored, not indexed, no Referer to other sites."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        for name, value in PRIVATE_HEADERS.items():
            response[name] = value
        return response

    return wrapped


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def too_many(request: HttpRequest, message: str) -> HttpResponse:
    response = render(request, "core/error.html", {"title": "Too many requests", "message": message}, status=429)
    response["Retry-After"] = "3600"
    return response


REPORTS_THROTTLED = (
    "Too many reports were sent from your network address in the last hour. Please wait an hour and try again, "
    "or write to the security team by email."
)
GUESSES_THROTTLED = "Too many unknown tracking links were tried from your network address. Please wait an hour."


def _lookup(request: HttpRequest, token: str) -> SecurityIssue | HttpResponse:
    try:
        return tracking.tracked_issue(token)
    except tracking.Throttled:
        return too_many(request, GUESSES_THROTTLED)
    except Http404:
        return page_not_found(request)


@require_http_methods(["GET", "POST"])
@capped_uploads(csrf=True)
def report(request: HttpRequest) -> HttpResponse:
    """The report form. Anyone may use it, signed in or not; a signed-in user is remembered as the reporter."""
    if request.method != "POST":
        return render(request, "issues/intake_report.html", {"form": ReportForm()})
    try:
        tracking.count_report()
    except tracking.Throttled:
        return too_many(request, REPORTS_THROTTLED)
    form = ReportForm(request.POST, request.FILES)
    if form.is_spam:  # looks like any other success to the bot; nothing is stored
        return render(request, "issues/intake_thanks.html")
    if form.is_valid():
        try:
            result = services.issue_intake(report=form.report(), channel=Channel.FORM, reporter_user=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            emailed = bool(form.cleaned_data["reporter_email"].strip())
            request.session[FRESH] = {"issue": str(result.issue.pk), "emailed": emailed}
            return _see_other(tracking.tracking_path(result.tracking_token))
    return render(request, "issues/intake_report.html", {"form": form}, status=422)


def _track_page(request: HttpRequest, issue: SecurityIssue, token: str, form: ReplyForm, status: int = 200) -> Any:
    fresh = request.session.get(FRESH)
    if fresh and fresh.get("issue") == str(issue.pk):
        del request.session[FRESH]  # shown once
    else:
        fresh = None
    context = {
        "view": tracking.reporter_view(issue),
        "token": token,
        "tracking_url": tracking.tracking_url(token),
        "fresh": fresh,
        "form": form,
    }
    return render(request, "issues/intake_track.html", context, status=status)


@private
@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    found = _lookup(request, token)
    if isinstance(found, HttpResponse):
        return found
    return _track_page(request, found, token, ReplyForm())


@private
@require_POST
@capped_uploads(csrf=True)
def track_reply(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter's reply (the token in the URL is the credential; CSRF is checked as on every form)."""
    found = _lookup(request, token)
    if isinstance(found, HttpResponse):
        return found
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reporter_reply(
                issue=found,
                body=form.cleaned_data["body"],
                files=incoming_files(form.cleaned_data["attachments"]),
                channel=Channel.FORM,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Your message was sent to the security team.")
            return _see_other(f"{tracking.tracking_path(token)}#messages")
    return _track_page(request, found, token, form, status=422)


@private
@require_GET
def track_file(request: HttpRequest, token: str, pk: UUID) -> HttpResponse:
    """One of the reporter's files, or a file the team shared with them: always a download, never shown inline."""
    found = _lookup(request, token)
    if isinstance(found, HttpResponse):
        return found
    attachment = attachments_for_reporter(found).filter(pk=pk).first()
    if attachment is None:
        return page_not_found(request)
    data = services.attachment_read_for_reporter(attachment)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
