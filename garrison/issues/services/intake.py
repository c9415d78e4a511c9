"""Intake: a report from the web form, an email or the API becomes one SecurityIssue; a reporter's reply becomes a
comment. All or nothing: validation first, then one transaction; notifications on commit."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.core.crypto import open_text, seal_bytes, seal_text
from garrison.issues import sla
from garrison.issues.cvss import CvssError, score_vector
from garrison.issues.models import (
    Channel,
    CommentVisibility,
    Exposure,
    IssueAttachment,
    IssueComment,
    IssueCounter,
    IssueMessage,
    IssueSeverity,
    Priority,
    SecurityIssue,
)
from garrison.issues.selectors import most_restrictive_level, tracking_token_hash
from garrison.notify import hooks

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FILENAME_BAD = re.compile(r"[^\w.\- ()+@]")


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ReportData:
    """What every channel hands to issue_intake. Strings may be hostile: they are stored, never trusted."""

    title: str
    description: str
    component_id: Any = None
    component_text: str = ""
    affected_versions: str = ""
    steps_to_reproduce: str = ""
    impact: str = ""
    cvss_vector: str = ""
    exposure: str = ""
    exposure_links: str = ""
    reporter_name: str = ""
    reporter_email: str = ""
    credit_name: str = ""
    consent_to_share: bool = False
    attachments: list[IncomingFile] = field(default_factory=list)
    message_id: str = ""


@dataclass(frozen=True)
class IntakeResult:
    issue: SecurityIssue
    tracking_token: str


_LIMITS = {
    "title": 200,
    "description": 50_000,
    "component_text": 200,
    "affected_versions": 500,
    "steps_to_reproduce": 50_000,
    "impact": 20_000,
    "exposure_links": 5_000,
    "reporter_name": 150,
    "reporter_email": 254,
    "credit_name": 150,
}


def clean_text(value: Any) -> str:
    """Strip control characters (keep tabs and newlines) and surrounding blanks."""
    return _CONTROL.sub("", str(value or "")).strip()


def safe_filename(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _FILENAME_BAD.sub("_", clean_text(base))[:200].strip(". ")
    return base or "attachment"


def validate_files(files: list[IncomingFile], *, field_name: str = "attachments") -> None:
    if len(files) > settings.GARRISON_ATTACHMENT_MAX_FILES:
        raise ValidationError({field_name: f"At most {settings.GARRISON_ATTACHMENT_MAX_FILES} files per message."})
    limit = settings.GARRISON_ATTACHMENT_MAX_BYTES
    for f in files:
        if len(f.data) > limit:
            raise ValidationError(
                {field_name: f"{safe_filename(f.filename)} is {len(f.data):,} bytes; the limit is {limit:,} bytes."}
            )


def message_errors(body: str, files: list[IncomingFile], *, empty: str, files_count: bool) -> dict[str, str]:
    """Errors of a comment or reply: ``empty`` when there is no text (and, unless ``files_count``, even with
    files), the length limit, and the attachment limits."""
    errors: dict[str, str] = {}
    if not body and not (files_count and files):
        errors["body"] = empty
    elif len(body) > 50_000:
        errors["body"] = f"At most 50,000 characters (got {len(body):,})."
    try:
        validate_files(files)
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
    return errors


def _validate(report: ReportData, actor: Any = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, limit in _LIMITS.items():
        value = clean_text(getattr(report, name))
        setattr(report, name, value)
        if len(value) > limit:
            errors[name] = f"At most {limit:,} characters (got {len(value):,})."
    report.title = " ".join(report.title.split())
    if not report.title:
        errors["title"] = "Give the report a short summary."
    if not report.description:
        errors["description"] = "Describe the vulnerability."
    if report.reporter_email and "reporter_email" not in errors:
        try:
            validate_email(report.reporter_email)
        except ValidationError:
            errors["reporter_email"] = "Enter a valid email address, or leave it empty to stay anonymous."
    if report.exposure not in Exposure.values:
        errors["exposure"] = f"Choose one of: {', '.join(v or 'unknown' for v in Exposure.values)}."
    if report.cvss_vector:
        try:
            score_vector(report.cvss_vector)
        except CvssError as exc:
            errors["cvss_vector"] = str(exc)
    if report.component_id:
        from garrison.issues.selectors import components_for_reports
        from garrison.org.selectors import components_visible_to

        choices = components_visible_to(actor=actor) if actor is not None else components_for_reports()
        if not choices.filter(pk=report.component_id).exists():
            errors["component"] = "Choose a component from the list, or describe it in your own words."
    try:
        validate_files(report.attachments)
    except ValidationError as exc:
        errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
    return errors


def next_number() -> int:
    """The next SEC-N (locks the counter row for the rest of the transaction)."""
    counter, _ = IssueCounter.objects.select_for_update().get_or_create(pk=1)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def store_attachments(
    issue: SecurityIssue,
    files: list[IncomingFile],
    *,
    from_reporter: bool,
    comment: IssueComment | None = None,
    uploaded_by: Any = None,
) -> list[IssueAttachment]:
    rows = []
    for f in files:
        row = IssueAttachment(
            issue=issue,
            comment=comment,
            from_reporter=from_reporter,
            uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
            filename=safe_filename(f.filename),
            content_type=clean_text(f.content_type)[:100] or "application/octet-stream",
            size=len(f.data),
            sha256=hashlib.sha256(f.data).hexdigest(),
        )
        row.key_id, row.sealed = seal_bytes(f.data, associated_data=f"issue.attachment:{row.pk}")
        rows.append(row)
    return IssueAttachment.objects.bulk_create(rows)


def remember_message_id(issue: SecurityIssue, message_id: str, *, inbound: bool = True) -> None:
    message_id = clean_text(message_id)[:500]
    if message_id and not IssueMessage.objects.filter(message_id=message_id).exists():
        IssueMessage.objects.create(issue=issue, message_id=message_id, inbound=inbound)


def _apply_initial_score(issue: SecurityIssue, vector: str, exposure: str) -> None:
    if vector:
        scored = score_vector(vector)
        issue.reported_cvss_vector = scored.vector
        issue.cvss_vector, issue.cvss_version, issue.cvss_score = scored.vector, scored.version, scored.score
        issue.severity = scored.severity
    issue.priority = sla.priority_for(issue.severity) if issue.severity != IssueSeverity.UNKNOWN else ""
    if exposure == Exposure.EXPLOITED:
        issue.priority = Priority.P1  # exploited in the wild: top priority whatever the score says
    fix = sla.fix_due(issue.created_at, issue.severity)
    issue.fix_due_at = fix


def issue_intake(*, report: ReportData, channel: Channel, reporter_user: Any = None, actor: Any = None) -> IntakeResult:
    """Open an issue from a report. No actor: the public reports (form, email, public API). With an actor: a staff
    member files it (ISSUE_CREATE). Raises ValidationError with field names; nothing is stored then."""
    if actor is not None:
        require(actor, Permission.ISSUE_CREATE)
    errors = _validate(report, actor)
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        component = None
        if report.component_id:
            from garrison.org.models import Component

            component = Component.objects.get(pk=report.component_id)
        now = clock.now()
        issue = SecurityIssue(
            number=next_number(),
            title=report.title,
            description=report.description,
            steps_to_reproduce=report.steps_to_reproduce,
            impact=report.impact,
            affected_versions=report.affected_versions,
            component=component,
            component_text="" if component else report.component_text,
            responsible_team_id=component.responsible_team_id if component else None,
            security_level=most_restrictive_level(),
            exposure=report.exposure,
            exposure_links=report.exposure_links,
            channel=channel,
            reporter_user=reporter_user if getattr(reporter_user, "is_authenticated", False) else None,
            credit_name=report.credit_name,
            consent_to_share=report.consent_to_share,
            tracking_token_hash=tracking_token_hash(token),
            reply_key=secrets.token_hex(10),
            created_at=now,
            ack_due_at=sla.ack_due(now),
            triage_due_at=sla.triage_due(now),
        )
        issue.tracking_token_sealed = seal_text(token, associated_data=f"issue.tracking:{issue.pk}")
        if report.reporter_name:
            issue.reporter_name_sealed = seal_text(report.reporter_name, associated_data=f"issue.reporter:{issue.pk}")
        if report.reporter_email:
            issue.reporter_email_sealed = seal_text(
                report.reporter_email, associated_data=f"issue.reporter_email:{issue.pk}"
            )
        _apply_initial_score(issue, report.cvss_vector, report.exposure)
        issue.save(force_insert=True)
        store_attachments(issue, report.attachments, from_reporter=True)
        remember_message_id(issue, report.message_id)
        record(
            action=AuditAction.ISSUE_CREATED if actor is not None else AuditAction.ISSUE_REPORTED,
            actor=actor,
            target=issue,
            actor_label=None if actor is not None else "reporter",
            data={"number": issue.number, "channel": str(channel), "attachments": len(report.attachments)},
        )
        top = sla.is_top_priority(issue.priority)
        issue_id = issue.pk
        transaction.on_commit(lambda: hooks.issue_reported(issue_id))
        if top:
            transaction.on_commit(lambda: hooks.issue_top_priority(issue_id))
    return IntakeResult(issue=issue, tracking_token=token)


def reporter_reply(
    *,
    issue: SecurityIssue,
    body: str,
    files: list[IncomingFile] | None = None,
    channel: Channel = Channel.FORM,
    message_id: str = "",
) -> IssueComment:
    """The reporter answers (tracking page or email): a comment they can see, plus any files."""
    files = files or []
    body = clean_text(body)
    errors = message_errors(body, files, empty="Write a message or attach a file.", files_count=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        comment = IssueComment.objects.create(
            issue=issue,
            from_reporter=True,
            visibility=CommentVisibility.REPORTER,
            channel=channel,
            body=body or "(files attached)",
        )
        store_attachments(issue, files, comment=comment, from_reporter=True)
        remember_message_id(issue, message_id)
        record(
            action=AuditAction.ISSUE_REPORTER_REPLIED,
            target=issue,
            actor_label="reporter",
            data={"comment": str(comment.pk), "channel": str(channel), "attachments": len(files)},
        )
        issue_id = issue.pk
        transaction.on_commit(lambda: hooks.reporter_replied(issue_id))
    return comment


def reporter_contact(issue: SecurityIssue) -> tuple[str, str]:
    """(name, email) of the reporter, decrypted; ("", "") when anonymous. Only for services that must write to them."""
    name = (
        open_text(issue.reporter_name_sealed, associated_data=f"issue.reporter:{issue.pk}")
        if (issue.reporter_name_sealed)
        else ""
    )
    email = (
        open_text(issue.reporter_email_sealed, associated_data=f"issue.reporter_email:{issue.pk}")
        if issue.reporter_email_sealed
        else ""
    )
    return name, email


def tracking_token_of(issue: SecurityIssue) -> str:
    """The reporter's private token (to mail their tracking link again)."""
    if not issue.tracking_token_sealed:
        return ""
    return open_text(issue.tracking_token_sealed, associated_data=f"issue.tracking:{issue.pk}")
