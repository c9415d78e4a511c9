"""Comments, attachments and the backport matrix: the day-to-day work on an issue."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.core.crypto import open_bytes
from garrison.issues.models import (
    BackportEntry,
    BackportStatus,
    Channel,
    CommentVisibility,
    IssueAttachment,
    IssueComment,
    SecurityIssue,
)
from garrison.issues.services.intake import IncomingFile, clean_text, message_errors, store_attachments
from garrison.issues.services.triage import _require_on
from garrison.notify import hooks


def comment_add(
    *,
    actor: Any,
    issue: SecurityIssue,
    body: str,
    visibility: str = CommentVisibility.INTERNAL,
    files: list[IncomingFile] | None = None,
    channel: Channel = Channel.INTERNAL,
) -> IssueComment:
    """An internal note, or (for those who may triage) a message the reporter sees on their tracking page."""
    _require_on(actor, Permission.ISSUE_COMMENT, issue)
    files = files or []
    body = clean_text(body)
    errors = message_errors(body, files, empty="Write something.", files_count=False)
    if visibility not in CommentVisibility.values:
        errors["visibility"] = "Choose internal or for the reporter."
    elif visibility == CommentVisibility.REPORTER and not can(actor, Permission.ISSUE_TRIAGE, issue):
        errors["visibility"] = "Only the security team writes to the reporter."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        comment = IssueComment.objects.create(
            issue=issue, author=actor, visibility=visibility, channel=channel, body=body
        )
        store_attachments(issue, files, comment=comment, from_reporter=False, uploaded_by=actor)
        if visibility == CommentVisibility.REPORTER and issue.acknowledged_at is None:
            SecurityIssue.objects.filter(pk=issue.pk, acknowledged_at__isnull=True).update(acknowledged_at=clock.now())
        record(
            action=AuditAction.ISSUE_COMMENTED,
            actor=actor,
            target=issue,
            data={"comment": str(comment.pk), "visibility": visibility, "attachments": len(files)},
        )
        if visibility == CommentVisibility.REPORTER:
            issue_id = issue.pk
            transaction.on_commit(lambda: hooks.reporter_message(issue_id))
    return comment


def attachment_read(*, actor: Any, attachment: IssueAttachment) -> bytes:
    """The decrypted bytes of an attachment for a staff download (audited). The caller obtained the attachment
    through selectors.get_attachment_for, which checked the issue is visible."""
    _require_on(actor, Permission.ISSUE_VIEW, attachment.issue)
    data = open_bytes(attachment.key_id, attachment.sealed, associated_data=f"issue.attachment:{attachment.pk}")
    with transaction.atomic():
        record(
            action=AuditAction.ISSUE_ATTACHMENT_DOWNLOADED,
            actor=actor,
            target=attachment.issue,
            data={"attachment": str(attachment.pk)},
        )
    return data


def attachment_read_for_reporter(attachment: IssueAttachment) -> bytes:
    """For the tracking page (the caller checked the attachment is one the reporter may see)."""
    return open_bytes(attachment.key_id, attachment.sealed, associated_data=f"issue.attachment:{attachment.pk}")


_url = URLValidator(schemes=["http", "https"])


def _clean_links(text: str) -> str:
    links = [line.strip() for line in clean_text(text).splitlines() if line.strip()]
    for link in links:
        try:
            _url(link)
        except ValidationError:
            raise ValidationError({"fix_links": f"{link[:80]!r} is not an http(s) URL."}) from None
    return "\n".join(links)


def backport_set(
    *,
    actor: Any,
    issue: SecurityIssue,
    component: Any,
    release_line: Any,
    status: str,
    fixed_version: str = "",
    fix_links: str = "",
    workaround: str = "",
    decision: str = "",
) -> BackportEntry:
    """Set one cell of the backport matrix (created when missing)."""
    _require_on(actor, Permission.BACKPORT_EDIT, issue)
    errors: dict[str, str] = {}
    if status not in BackportStatus.values:
        errors["status"] = "Choose one of: " + ", ".join(BackportStatus.values) + "."
    fixed_version = clean_text(fixed_version)[:64]
    if status == BackportStatus.FIXED and not fixed_version:
        errors["fixed_version"] = "Say which version carries the fix."
    try:
        links = _clean_links(fix_links)
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
        links = ""
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cell, created = BackportEntry.objects.select_for_update().get_or_create(
            issue=issue, component=component, release_line=release_line
        )
        cell.status = status
        cell.fixed_version = fixed_version if status == BackportStatus.FIXED else ""
        cell.fix_links = links
        cell.workaround = clean_text(workaround)
        cell.decision = clean_text(decision)
        cell.save()
        record(
            action=AuditAction.ISSUE_BACKPORT_SET,
            actor=actor,
            target=issue,
            data={
                "component": str(component.pk),
                "release_line": str(release_line.pk),
                "status": status,
                "fixed_version": cell.fixed_version,
                "created": created,
            },
        )
    return cell
