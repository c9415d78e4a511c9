"""Reports and replies by email, and the dead-letter store.

``mail_intake(raw)`` takes one RFC 5322 message and does exactly one of:

- **ignored**: machine-made mail (auto-reply, bounce, list traffic, our own mail coming back, a message already
  stored): nothing is stored;
- **replied**: the message answers an issue (its In-Reply-To/References name a Message-ID we know, or it was sent to
  the issue's reply address ``local+<reply_key>@domain``): a comment for the reporter, quoted text stripped;
- **opened**: a new issue through ``issue_intake`` (channel email);
- **dead_letter**: it could not be read or stored, for any reason. The raw message is kept, sealed, with the reason
  (never the message's content), for an admin to retry or discard. Nothing is lost: if even that write fails,
  ``mail_intake`` raises and the caller tells the mail system to try again later (exit 75 / SMTP 451).

An attachment over GARRISON_ATTACHMENT_MAX_BYTES is not silently dropped (there is no actor to write an internal
comment naming it): the whole message goes to the dead letters with the reason, so an admin sees it, can raise the
limit and retry, or download the raw message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core.crypto import DecryptionError, open_bytes, seal_bytes
from garrison.issues.mail.parse import (
    MailError,
    MailFile,
    MailHeaders,
    OwnAddresses,
    bounced_message_ids,
    ignore_reason,
    parse_message,
    read_content,
    read_headers,
)
from garrison.issues.models import Channel, DeadLetter, DeadLetterStatus, IssueMessage, SecurityIssue
from garrison.issues.services.intake import IncomingFile, ReportData, clean_text, issue_intake, reporter_reply

logger = logging.getLogger(__name__)

T = TypeVar("T")
MailKind = Literal["opened", "replied", "ignored", "dead_letter"]

_DESCRIPTION_MAX = 50_000
_NO_SUBJECT = "(no subject)"
_ERROR_MAX = 2_000
_REASON_MAX = 500


@dataclass(frozen=True)
class MailResult:
    kind: MailKind
    issue: SecurityIssue | None = None
    detail: str = ""
    dead_letter: DeadLetter | None = None

    def summary(self) -> str:
        """One line without embargoed detail: ``opened SEC-12``, ``ignored: auto-reply``, ``dead-letter <id>: ...``."""
        if self.kind in ("opened", "replied") and self.issue is not None:
            return f"{self.kind} {self.issue.key}"
        if self.kind == "dead_letter" and self.dead_letter is not None:
            return f"dead-letter {self.dead_letter.pk}: {self.detail}"
        return f"ignored: {self.detail}"


def own_addresses() -> OwnAddresses:
    return OwnAddresses.of(settings.GARRISON_SECURITY_EMAIL, settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)


def dead_letter_aad(pk: Any) -> str:
    """What a dead letter's raw message is sealed to: its own row."""
    return f"dead-letter:{pk}"


def describe_error(exc: BaseException) -> str:
    """Why a message could not be stored, without its content: field names and the service's messages, the
    database's first line (PostgreSQL puts the failing values on the next lines), or only the error's type."""
    if isinstance(exc, MailError):
        return str(exc)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            parts = [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
        else:
            parts = list(exc.messages)
        return "ValidationError: " + "; ".join(parts)
    if isinstance(exc, DatabaseError):
        first = (str(exc).strip().splitlines() or ["no message"])[0][:200]
        return f"{type(exc).__name__}: {first}"
    return f"{type(exc).__name__}: unexpected error while storing the message (see the server log)"


def _committed(work: Callable[[], T]) -> T:
    """Run ``work`` in one transaction. Follow-ups run after the commit (notifications); when one of them fails the
    message IS stored, so that is logged and the result stands (an error would make the mail system send it again).
    """
    committed: list[bool] = []
    results: list[T] = []
    try:
        with transaction.atomic():
            transaction.on_commit(lambda: committed.append(True))  # runs first of this transaction's follow-ups
            results.append(work())
    except Exception:
        if committed and results:
            logger.exception("email intake: stored, but a follow-up after the commit failed")
            return results[0]
        raise
    return results[0]


def _thread_of(head: MailHeaders, own: OwnAddresses) -> SecurityIssue | None:
    """The issue a message answers: a Message-ID it refers to, else the reply address it was sent to."""
    if head.thread_ids:
        candidates = head.thread_ids + [ref.strip("<>") for ref in head.thread_ids]
        known = {
            m.message_id: m.issue
            for m in IssueMessage.objects.filter(message_id__in=candidates).select_related("issue")
        }
        for ref in head.thread_ids:
            issue = known.get(ref) or known.get(ref.strip("<>"))
            if issue is not None:
                return issue
    keys = sorted({key for key in (own.reply_key(a) for a in head.recipients) if key})
    if keys:
        return SecurityIssue.objects.filter(reply_key__in=keys).first()
    return None


def _incoming(files: list[MailFile]) -> list[IncomingFile]:
    limit = settings.GARRISON_ATTACHMENT_MAX_BYTES
    for n, f in enumerate(files, start=1):
        if len(f.data) > limit:
            raise MailError(
                f"attachment {n} of {len(files)} is {len(f.data):,} bytes; the limit is {limit:,} bytes "
                "(GARRISON_ATTACHMENT_MAX_BYTES): raise it and retry, or download the message"
            )
    return [IncomingFile(filename=f.filename, content_type=f.content_type, data=f.data) for f in files]


def _fit(body: str, files: list[IncomingFile]) -> tuple[str, list[IncomingFile]]:
    """A text longer than a description may be: the start as the description, the whole as message.txt."""
    if len(clean_text(body)) <= _DESCRIPTION_MAX:
        return body, files
    note = "\n\n[The message is longer than a description may be: the whole text is attached as message.txt.]"
    whole = IncomingFile(filename="message.txt", content_type="text/plain", data=body.encode("utf-8"))
    return body[: _DESCRIPTION_MAX - len(note) - 100] + note, [whole, *files]


def _process(raw: bytes) -> MailResult:
    """Store one message (or decide to ignore it). Raises when it cannot be stored; the caller dead-letters it."""
    msg = parse_message(raw)
    own = own_addresses()
    reason = ignore_reason(msg, own)
    if reason == "bounce":
        from garrison.notify.services.delivery import deliveries_bounced

        marked = deliveries_bounced(message_ids=bounced_message_ids(msg))
        return MailResult("ignored", detail=f"bounce ({marked} deliver{'y' if marked == 1 else 'ies'} marked bounced)")
    if reason:
        return MailResult("ignored", detail=reason)
    head = read_headers(msg)
    if not head.from_email:
        raise MailError("no From address")
    if head.message_id:
        seen = IssueMessage.objects.filter(message_id=head.message_id).select_related("issue").first()
        if seen is not None:
            detail = "duplicate (this message is already stored)" if seen.inbound else "mail loop (our own message)"
            return MailResult("ignored", issue=seen.issue, detail=detail)
    issue = _thread_of(head, own)
    content = read_content(msg, reply=issue is not None)
    files = _incoming(content.files)
    if issue is not None:
        reporter_reply(issue=issue, body=content.body, files=files, channel=Channel.EMAIL, message_id=head.message_id)
        return MailResult("replied", issue=issue)
    body = content.body or ("(no text: see the attached files)" if files else "")
    body, files = _fit(body, files)
    report = ReportData(
        title=(head.subject or _NO_SUBJECT)[:200],
        description=body,
        reporter_name=head.from_name[:150],
        reporter_email=head.from_email,
        attachments=files,
        message_id=head.message_id,
    )
    return MailResult("opened", issue=issue_intake(report=report, channel=Channel.EMAIL).issue)


def _log_failure(exc: Exception, reason: str) -> None:
    if isinstance(exc, MailError | ValidationError | DatabaseError):
        logger.warning("email intake: kept as a dead letter: %s", reason)
    else:
        logger.error("email intake: kept as a dead letter: %s", reason, exc_info=exc)


def mail_intake(raw: bytes) -> MailResult:
    """Open an issue, add a reply, ignore, or keep the message as a dead letter (see the module's docstring).
    Raises only when not even the dead letter could be written: the caller must then ask for a retry."""
    try:
        return _committed(lambda: _process(raw))
    except Exception as exc:  # noqa: BLE001 - nothing lost: whatever went wrong, the raw message is kept
        reason = describe_error(exc)
        _log_failure(exc, reason)
    row = dead_letter_store(raw=raw, error=reason)
    return MailResult("dead_letter", detail=reason, dead_letter=row)


def mail_intake_oversized(head: bytes, *, limit: int) -> MailResult:
    """A message larger than GARRISON_MAX_EMAIL_BYTES: its first ``limit`` bytes are kept as a dead letter."""
    reason = f"message larger than {limit:,} bytes (GARRISON_MAX_EMAIL_BYTES); only its first {limit:,} bytes are kept"
    row = dead_letter_store(raw=head[:limit], error=reason)
    return MailResult("dead_letter", detail=reason, dead_letter=row)


def dead_letter_store(*, raw: bytes, error: str, source: Channel = Channel.EMAIL) -> DeadLetter:
    """Keep an intake that could not be stored: raw bytes sealed to the row, the reason (no embargoed detail)."""
    with transaction.atomic():
        row = DeadLetter(source=source, size=len(raw), error=error[:_ERROR_MAX], status=DeadLetterStatus.PENDING)
        row.key_id, row.sealed = seal_bytes(raw, associated_data=dead_letter_aad(row.pk))
        row.save(force_insert=True)
        record(
            action=AuditAction.DEAD_LETTER_STORED,
            target=row,
            actor_label="intake",
            data={"source": str(source), "size": len(raw)},
        )
    return row


def _raw_of(row: DeadLetter) -> bytes:
    try:
        return open_bytes(row.key_id, row.sealed, associated_data=dead_letter_aad(row.pk))
    except DecryptionError:
        raise ValidationError(
            {"dead_letter": "The stored message cannot be decrypted (unknown key or not sealed to this record)."}
        ) from None


def dead_letter_raw(*, actor: Any, dead_letter: DeadLetter) -> bytes:
    """The raw message, for a download by someone who manages intake (audited)."""
    require(actor, Permission.INTAKE_MANAGE)
    row = DeadLetter.objects.get(pk=dead_letter.pk)
    raw = _raw_of(row)
    with transaction.atomic():
        record(action=AuditAction.DEAD_LETTER_DOWNLOADED, actor=actor, target=row, data={"size": len(raw)})
    return raw


def _locked_pending(dead_letter: DeadLetter) -> DeadLetter:
    row = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
    if row.status != DeadLetterStatus.PENDING:
        raise ValidationError({"status": f"This message is no longer waiting ({row.get_status_display().lower()})."})
    return row


def _retry(actor: Any, dead_letter: DeadLetter) -> MailResult:
    row = _locked_pending(dead_letter)
    raw = _raw_of(row)
    row.attempts += 1
    try:
        with transaction.atomic():
            result = _process(raw)
    except Exception as exc:  # noqa: BLE001 - a failed retry is recorded on the dead letter, not raised
        row.error = describe_error(exc)[:_ERROR_MAX]
        _log_failure(exc, row.error)
        row.save(update_fields=["attempts", "error", "updated_at"])
        record(
            action=AuditAction.DEAD_LETTER_RETRIED,
            actor=actor,
            target=row,
            data={"stored": False, "attempts": row.attempts},
        )
        return MailResult("dead_letter", detail=row.error, dead_letter=row)
    row.status = DeadLetterStatus.RETRIED
    row.issue = result.issue
    row.save(update_fields=["attempts", "status", "issue", "updated_at"])
    record(
        action=AuditAction.DEAD_LETTER_RETRIED,
        actor=actor,
        target=row,
        data={
            "stored": True,
            "result": result.kind,
            "issue": str(result.issue.pk) if result.issue else None,
            "attempts": row.attempts,
        },
    )
    return replace(result, dead_letter=row)


def dead_letter_retry(*, actor: Any, dead_letter: DeadLetter) -> MailResult:
    """Run the intake again on the raw message. Stored (or now recognised as mail to ignore): the dead letter is
    marked retried and linked to its issue. Failed again: one more attempt and the new reason; still pending."""
    require(actor, Permission.INTAKE_MANAGE)
    return _committed(lambda: _retry(actor, dead_letter))


def dead_letter_discard(*, actor: Any, dead_letter: DeadLetter, reason: str) -> DeadLetter:
    """Give up on a dead letter (spam, a test, handled by hand). The sealed raw message stays for the record."""
    require(actor, Permission.INTAKE_MANAGE)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the message is discarded."})
    if len(reason) > _REASON_MAX:
        raise ValidationError({"reason": f"At most {_REASON_MAX} characters (got {len(reason)})."})
    with transaction.atomic():
        row = _locked_pending(dead_letter)
        row.status = DeadLetterStatus.DISCARDED
        row.save(update_fields=["status", "updated_at"])
        record(action=AuditAction.DEAD_LETTER_DISCARDED, actor=actor, target=row, data={"reason": reason})
    return row
