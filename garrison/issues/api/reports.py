"""The public report API (no token needed): file a report, follow it with its tracking token, reply.

The same service calls and limits as the web form (/report) and tracking page (/track/<token>): reports per
address per hour, unknown tokens per address per hour. Attachments travel as base64 inside the JSON body, so a
body is at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond); larger files go through the web form or by email.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import ConfigDict

from garrison.api.errors import error_body
from garrison.issues import services, tracking
from garrison.issues.models import Channel, SecurityIssue
from garrison.issues.selectors import components_for_reports
from garrison.issues.services.intake import safe_filename

router = Router(tags=["reports"])

REPORTS_THROTTLED = "Too many reports from this address in the last hour; try again later."
GUESSES_THROTTLED = "Too many unknown tracking tokens from this address; try again later."


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class AttachmentIn(StrictIn):
    filename: str = Field(max_length=255)
    content_type: str = Field("application/octet-stream", max_length=100)
    content_base64: str = Field(description="The file's bytes, base64 (standard alphabet, padded).")


class ReportIn(StrictIn):
    title: str = Field(description="One-line summary.")
    description: str
    component: str = Field("", description="Id or name of a component on the public list; empty: don't know.")
    component_text: str = Field("", description="The component in your own words, when it is not on the list.")
    affected_versions: str = ""
    steps_to_reproduce: str = ""
    impact: str = ""
    cvss_vector: str = Field("", description="Optional CVSS 3.x or 4.0 vector; a wrong metric is named in a 422.")
    exposure: str = Field("", description='"" (don\'t know), "no", "public" or "exploited".')
    exposure_links: list[str] = Field(default_factory=list, description="Where it is public or exploited.")
    reporter_name: str = ""
    reporter_email: str = Field("", description="Optional; empty stays anonymous.")
    credit_name: str = Field("", description="Name to credit in an advisory; empty: no credit.")
    consent_to_share: bool = Field(False, description="May be shared with affected installations under embargo.")
    attachments: list[AttachmentIn] = Field(default_factory=list)


class ReportCreated(Schema):
    key: str
    tracking_url: str
    tracking_token: str


class FileOut(Schema):
    id: UUID
    filename: str
    size: int
    download_url: str


class CommentOut(Schema):
    id: UUID
    from_reporter: bool
    body: str
    created_at: datetime
    attachments: list[FileOut]


class ReportOut(Schema):
    key: str
    title: str
    status: str
    status_label: str
    close_reason: str
    created_at: datetime
    credit_name: str
    attachments: list[FileOut]
    comments: list[CommentOut]


class ReplyIn(StrictIn):
    body: str = ""
    attachments: list[AttachmentIn] = Field(default_factory=list)


class ReplyOut(Schema):
    id: UUID
    created_at: datetime


def _refuse(status: int, detail: str) -> JsonResponse:
    response = JsonResponse(error_body(detail), status=status)
    if status == 429:
        response["Retry-After"] = "3600"
    return response


def _guarded(count_as_report: bool) -> Callable[..., Any]:
    """Before the body is parsed: refuse bodies over Django's limit (413), count the report against the address."""

    def decorator(run: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(run)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if limit is not None and length > limit:
                return _refuse(
                    413,
                    f"The body is {length:,} bytes; the API takes at most {limit:,}. "
                    "Send large files through the web form (/report) or by email.",
                )
            if count_as_report:
                try:
                    tracking.count_report()
                except tracking.Throttled:
                    return _refuse(429, REPORTS_THROTTLED)
            return run(request, *args, **kwargs)

        return wrapped

    return decorator


def _files(items: list[AttachmentIn]) -> list[services.IncomingFile]:
    most, limit = settings.GARRISON_ATTACHMENT_MAX_FILES, settings.GARRISON_ATTACHMENT_MAX_BYTES
    if len(items) > most:
        raise ValidationError({"attachments": f"At most {most} files per message (got {len(items)})."})
    errors: dict[str, str] = {}
    files = []
    for i, item in enumerate(items):
        name = f"attachments.{i}.content_base64"
        text = "".join(item.content_base64.split())
        if len(text) // 4 * 3 > limit + 2:  # refuse before decoding: the decoded size is within 2 bytes of this
            errors[name] = f"{safe_filename(item.filename)} is larger than the limit of {limit:,} bytes per file."
            continue
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            errors[name] = f"{safe_filename(item.filename)}: not valid base64 (standard alphabet, with padding)."
            continue
        files.append(services.IncomingFile(filename=item.filename, content_type=item.content_type, data=data))
    if errors:
        raise ValidationError(errors)
    return files


def _component_id(ref: str) -> Any:
    ref = ref.strip()
    if not ref:
        return None
    choices = components_for_reports()
    try:
        match = choices.filter(pk=UUID(ref)).first()
    except ValueError:
        match = choices.filter(name__iexact=ref).first()
    if match is None:
        raise ValidationError(
            {"component": f"{ref[:80]!r} is not a component on the public list; leave it empty and use component_text."}
        )
    return match.pk


def _tracked(token: str) -> SecurityIssue:
    try:
        return tracking.tracked_issue(token)
    except tracking.Throttled:
        raise HttpError(429, GUESSES_THROTTLED) from None


def _no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"


@router.post("/reports", auth=None, response={201: ReportCreated}, summary="Report a vulnerability (no token)")
@decorate_view(_guarded(count_as_report=True))
def create_report(request: HttpRequest, payload: ReportIn, response: HttpResponse) -> Status[Any]:
    """Files one report; keep ``tracking_token``: it is the only way to follow the report (``GET /reports/{token}``)
    and to reply. Bad input is a 422 naming each field (``attachments.0.content_base64``, ``cvss_vector`` with the
    wrong metric, ...) and nothing is stored. Past GARRISON_REPORT_RATE_PER_HOUR reports per address: 429."""
    _no_store(response)
    errors: dict[str, str] = {}
    try:
        files = _files(payload.attachments)
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
        files = []
    try:
        component_id = _component_id(payload.component)
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
        component_id = None
    if errors:
        raise ValidationError(errors)
    report = services.ReportData(
        **payload.model_dump(exclude={"component", "exposure_links", "attachments"}),
        component_id=component_id,
        exposure_links="\n".join(link.strip() for link in payload.exposure_links if link.strip()),
        attachments=files,
    )
    result = services.issue_intake(report=report, channel=Channel.API)
    return Status(
        201,
        {
            "key": result.issue.key,
            "tracking_url": tracking.tracking_url(result.tracking_token),
            "tracking_token": result.tracking_token,
        },
    )


def _file_out(token: str, attachment: Any) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "size": attachment.size,
        "download_url": f"{settings.BASE_URL}{tracking.file_path(token, attachment)}",
    }


@router.get("/reports/{token}", auth=None, response=ReportOut, summary="Follow a report by its tracking token")
def get_report(request: HttpRequest, token: str, response: HttpResponse) -> dict[str, Any]:
    """Status, and the messages the reporter may see (theirs and the team's replies to them); never internal
    notes. An unknown token is a 404 and counts against the address (429 past the hourly limit)."""
    _no_store(response)
    view = tracking.reporter_view(_tracked(token))
    issue = view.issue
    return {
        "key": issue.key,
        "title": issue.title,
        "status": issue.status,
        "status_label": view.status_label,
        "close_reason": issue.close_reason,
        "created_at": issue.created_at,
        "credit_name": issue.credit_name,
        "attachments": [_file_out(token, f) for f in view.report_files],
        "comments": [
            {
                "id": e.comment.pk,
                "from_reporter": e.comment.from_reporter,
                "body": e.comment.body,
                "created_at": e.comment.created_at,
                "attachments": [_file_out(token, f) for f in e.files],
            }
            for e in view.entries
        ],
    }


@router.post("/reports/{token}/replies", auth=None, response={201: ReplyOut}, summary="Reply as the reporter")
@decorate_view(_guarded(count_as_report=False))
def reply_to_report(request: HttpRequest, token: str, payload: ReplyIn, response: HttpResponse) -> Status[Any]:
    _no_store(response)
    issue = _tracked(token)
    comment = services.reporter_reply(
        issue=issue, body=payload.body, files=_files(payload.attachments), channel=Channel.API
    )
    return Status(201, {"id": comment.pk, "created_at": comment.created_at})
