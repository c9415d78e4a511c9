"""Comments and attachments of an issue: read them, write a comment, upload a file, download one (audited)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.issues import services
from garrison.issues.api import issues_refs as refs
from garrison.issues.api.issues_out import attachment_out, comment_out
from garrison.issues.api.schemas import AttachmentPage, CommentIn, CommentOut, CommentPage
from garrison.issues.models import CommentVisibility, IssueAttachment, IssueComment, SecurityIssue
from garrison.issues.selectors import attachments_for_staff, comments_for_staff, get_attachment_for
from garrison.issues.services.intake import safe_filename

router = Router()


def _viewable(request: HttpRequest, key: str) -> tuple[Any, SecurityIssue]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    return actor, refs.issue(actor, key)


def _comments(actor: Any, issue: SecurityIssue) -> QuerySet[IssueComment]:
    """The staff's comments, with attachment metadata (never the sealed bytes)."""
    files = IssueAttachment.objects.defer("sealed").select_related("uploaded_by")
    return (
        comments_for_staff(actor=actor, issue=issue)
        .prefetch_related(None)
        .prefetch_related(Prefetch("attachments", queryset=files))
    )


def _attachments(actor: Any, issue: SecurityIssue) -> QuerySet[IssueAttachment]:
    return attachments_for_staff(actor=actor, issue=issue)


@router.get("/issues/{key}/comments", response=CommentPage, summary="The comments on an issue, oldest first")
def list_comments(request: HttpRequest, key: str, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    actor, issue = _viewable(request, key)
    items, next_cursor = page(_comments(actor, issue), cursor=cursor, limit=limit, keys=("created_at", "id"))
    return {"items": [comment_out(c) for c in items], "next_cursor": next_cursor}


@router.post("/issues/{key}/comments", response={201: CommentOut}, summary="Comment (internal, or to the reporter)")
def add_comment(request: HttpRequest, key: str, payload: CommentIn) -> Status[Any]:
    """``visibility: reporter`` (shown on the reporter's tracking page) is for those who may triage."""
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    require(actor, Permission.ISSUE_COMMENT)  # refuse before looking anything up
    issue = refs.issue(actor, key)
    comment = services.comment_add(actor=actor, issue=issue, body=payload.body, visibility=str(payload.visibility))
    return Status(201, comment_out(_comments(actor, issue).get(pk=comment.pk)))


@router.get("/issues/{key}/attachments", response=AttachmentPage, summary="Attachment metadata, oldest first")
def list_attachments(request: HttpRequest, key: str, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    actor, issue = _viewable(request, key)
    items, next_cursor = page(_attachments(actor, issue), cursor=cursor, limit=limit, keys=("created_at", "id"))
    return {"items": [attachment_out(a) for a in items], "next_cursor": next_cursor}


@router.get(
    "/issues/{key}/attachments/{uuid:attachment_id}",
    response={200: None},
    summary="Download an attachment (audited)",
    openapi_extra={"responses": {200: {"content": {"application/octet-stream": {}}}}},
)
def download_attachment(request: HttpRequest, key: str, attachment_id: UUID) -> HttpResponse:
    """The bytes as ``application/octet-stream`` with ``Content-Disposition: attachment``; never rendered."""
    actor, issue = _viewable(request, key)
    attachment = get_attachment_for(actor=actor, issue=issue, pk=attachment_id)
    data = services.attachment_read(actor=actor, attachment=attachment)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/issues/{key}/attachments",
    response={201: CommentOut},
    summary="Upload a file (stored with a comment naming it)",
)
def upload_attachment(
    request: HttpRequest,
    key: str,
    file: UploadedFile | None = File(None, description="The file (multipart field 'file')."),  # noqa: B008
    note: str = Form("", description="The comment's text; defaults to 'Attached <file name>'."),
    visibility: CommentVisibility = Form(CommentVisibility.INTERNAL),  # noqa: B008
) -> Status[Any]:
    actor = request.user
    require(actor, Permission.ISSUE_VIEW)
    require(actor, Permission.ISSUE_COMMENT)  # refuse before looking at the body
    issue = refs.issue(actor, key)
    if file is None:
        raise ValidationError({"file": "Attach the file as the multipart field 'file'."})
    limit = settings.GARRISON_ATTACHMENT_MAX_BYTES
    if (file.size or 0) > limit:
        raise ValidationError({"file": f"The file is {file.size:,} bytes; the limit is {limit:,} bytes."})
    name = safe_filename(file.name or "")
    incoming = services.IncomingFile(filename=name, content_type=file.content_type or "", data=file.read())
    with refs.fields_as({"attachments": "file"}):
        comment = services.comment_add(
            actor=actor,
            issue=issue,
            body=note.strip() or f"Attached {name}",
            visibility=str(visibility),
            files=[incoming],
        )
    return Status(201, comment_out(_comments(actor, issue).get(pk=comment.pk)))
