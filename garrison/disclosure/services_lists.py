"""Distribution lists and pre-notification: who hears about an advisory before it is public, and the sending of
it under the embargo rules (each recipient sees the embargo end in their own time zone and in UTC; a recipient
with an OpenPGP key gets the whole text encrypted to it, and never a clear-text copy when that fails).

Messages go through the notify delivery machinery (queued Delivery rows, sent by the worker after commit, retried
with back-off); their recipient and body are sealed at rest since the body carries embargoed text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.disclosure import pgp
from garrison.disclosure.models import Advisory, DisclosureLevel
from garrison.disclosure.models_lists import DistributionList, PreNotification, PreNotificationStatus, Recipient
from garrison.disclosure.services import advisory_publish, document_for

logger = logging.getLogger("garrison.disclosure")


# --- lists and recipients --------------------------------------------------------------------------------------


def check_time_zone(name: str) -> str:
    """An IANA time zone name (e.g. Asia/Tokyo), or ValidationError on ``time_zone``."""
    name = (name or "").strip()
    problem = {"time_zone": f"Unknown time zone {name[:64]!r}: give an IANA name such as Asia/Tokyo."}
    if not name or len(name) > 64:
        raise ValidationError(problem)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(problem) from None
    return name


def list_save(
    *,
    actor: Any,
    distribution_list: DistributionList | None = None,
    name: str,
    description: str = "",
    components: Iterable[Any] = (),
    clients: Iterable[Any] = (),
) -> DistributionList:
    """Create or change a list. No components: it receives every advisory."""
    require(actor, Permission.DISTRIBUTION_MANAGE)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the list a name."})
    taken = DistributionList.objects.filter(name__iexact=name)
    if distribution_list is not None:
        taken = taken.exclude(pk=distribution_list.pk)
    if taken.exists():
        raise ValidationError({"name": "A list with this name exists already."})
    with transaction.atomic():
        row = distribution_list or DistributionList()
        created = row._state.adding
        row.name, row.description = name[:150], description or ""
        row.save()
        row.components.set(list(components))
        row.clients.set(list(clients))
        record(
            action=AuditAction.DISTRIBUTION_LIST_SAVED,
            actor=actor,
            target=row,
            data={
                "created": created,
                "components": [str(getattr(c, "pk", c)) for c in row.components.all()],
                "clients": [str(getattr(c, "pk", c)) for c in row.clients.all()],
            },
        )
    return row


def list_delete(*, actor: Any, distribution_list: DistributionList) -> None:
    require(actor, Permission.DISTRIBUTION_MANAGE)
    with transaction.atomic():
        record(
            action=AuditAction.DISTRIBUTION_LIST_DELETED,
            actor=actor,
            target=distribution_list,
            data={"recipients": distribution_list.recipients.count()},
        )
        distribution_list.delete()


def recipient_save(
    *,
    actor: Any,
    distribution_list: DistributionList,
    recipient: Recipient | None = None,
    email: str,
    name: str = "",
    client: Any = None,
    time_zone: str = "UTC",
    pgp_public_key: str = "",
) -> Recipient:
    """Add or change a recipient. The time zone must be an IANA name; a key must be a usable OpenPGP public key
    (its fingerprint is stored). Nothing is saved when either is wrong."""
    require(actor, Permission.DISTRIBUTION_MANAGE)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid email address."}) from None
    zone = check_time_zone(time_zone)
    key = (pgp_public_key or "").strip()
    fingerprint = pgp.key_info(key).fingerprint if key else ""
    taken = Recipient.objects.filter(distribution_list=distribution_list, email=email)
    if recipient is not None:
        taken = taken.exclude(pk=recipient.pk)
    if taken.exists():
        raise ValidationError({"email": "This address is on the list already."})
    with transaction.atomic():
        row = recipient or Recipient(distribution_list=distribution_list)
        created = row._state.adding
        row.email, row.name, row.client, row.time_zone = email, (name or "")[:150], client, zone
        row.pgp_public_key, row.pgp_fingerprint = (key + "\n") if key else "", fingerprint
        row.save()
        record(
            action=AuditAction.RECIPIENT_SAVED,
            actor=actor,
            target=row,
            data={
                "created": created,
                "list": str(distribution_list.pk),
                "time_zone": zone,
                "pgp_fingerprint": fingerprint,
            },
        )
    return row


def recipient_delete(*, actor: Any, recipient: Recipient) -> None:
    require(actor, Permission.DISTRIBUTION_MANAGE)
    with transaction.atomic():
        record(
            action=AuditAction.RECIPIENT_DELETED,
            actor=actor,
            target=recipient,
            data={"list": str(recipient.distribution_list_id)},
        )
        recipient.delete()


# --- who is pre-notified ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One address to pre-notify (a list recipient, or a contact of one of the lists' clients)."""

    email: str
    name: str
    time_zone: str
    pgp_public_key: str
    recipient: Recipient | None
    client_id: Any = None  # the client whose contact this is (its label decides who may see the address)


def lists_for(advisory: Advisory, lists: Iterable[Any] | None = None) -> list[DistributionList]:
    """The lists subscribed to one of the advisory's product components, and the lists subscribed to none (all)."""
    components = list(advisory.products.values_list("component_id", flat=True))
    found = DistributionList.objects.filter(Q(components__isnull=True) | Q(components__in=components)).distinct()
    if lists is not None:
        found = found.filter(pk__in=[getattr(x, "pk", x) for x in lists])
    return list(found.order_by("name").prefetch_related("recipients", "clients__contacts"))


def recipients_for(advisory: Advisory, lists: Iterable[Any] | None = None) -> list[Target]:
    """Everyone to pre-notify, once per address (a list recipient wins over a client contact: it has a zone and
    maybe a key)."""
    chosen: dict[str, Target] = {}
    contacts: list[Target] = []
    for dl in lists_for(advisory, lists):
        for r in dl.recipients.all():
            chosen.setdefault(r.email.lower(), Target(r.email, r.name, r.time_zone, r.pgp_public_key, r))
        for client in dl.clients.all():
            contacts.extend(Target(c.email, c.name, "UTC", "", None, client.pk) for c in client.contacts.all())
    for contact in contacts:
        chosen.setdefault(contact.email.lower(), contact)
    return sorted(chosen.values(), key=lambda t: t.email.lower())


# --- the messages ----------------------------------------------------------------------------------------------


def embargo_end_in(ends_at: datetime, zone: str) -> str:
    """e.g. '2026-12-01 18:00 JST (Asia/Tokyo)'."""
    local = ends_at.astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({zone})"


def embargo_end_utc(ends_at: datetime) -> str:
    return f"{ends_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def prenotification_text(advisory: Advisory, zone: str) -> str:
    """The message body: the embargo end (recipient's zone and UTC), then the advisory."""
    assert advisory.embargo_ends_at is not None
    doc = document_for(advisory)
    lines = [
        "EMBARGOED: do not share or act publicly on this advisory before the embargo ends.",
        f"Embargo ends: {embargo_end_in(advisory.embargo_ends_at, zone)}",
        f"           = {embargo_end_utc(advisory.embargo_ends_at)}",
        "",
        f"{doc.identifier}: {doc.title}",
    ]
    if doc.cve_id:
        lines.append(f"CVE: {doc.cve_id}")
    if doc.severity:
        score = f" (CVSS {doc.cvss_v3_score or doc.cvss_v4_score})" if doc.cvss_v3_score or doc.cvss_v4_score else ""
        lines.append(f"Severity: {doc.severity}{score}")
    if doc.summary:
        lines += ["", "Summary", doc.summary]
    if doc.description:
        lines += ["", "Description", doc.description]
    if doc.products:
        lines += ["", "Affected products"]
        for p in doc.products:
            line = f"- {p.component}" + (f" ({p.release_line})" if p.release_line else "") + f": {p.status.value}"
            if p.affected_versions:
                line += f", affected {p.affected_versions}"
            if p.fixed_version:
                line += f", fixed in {p.fixed_version}"
            lines.append(line)
    if doc.workarounds:
        lines += ["", "Workarounds", doc.workarounds]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Prepared:
    target: Target
    subject: str
    body: str
    encrypted: bool
    error: str = ""


def _prepare(advisory: Advisory, target: Target) -> Prepared:
    assert advisory.embargo_ends_at is not None
    text = prenotification_text(advisory, target.time_zone)
    if not target.pgp_public_key:
        until = embargo_end_in(advisory.embargo_ends_at, target.time_zone)
        # No title in the subject: subjects are kept in clear in the delivery log, bodies are sealed.
        return Prepared(target, f"[EMBARGOED until {until}] {advisory.identifier}", text, False)
    subject = f"[EMBARGOED] {advisory.identifier}"
    try:
        armoured = pgp.encrypt(text, target.pgp_public_key)
    except pgp.EncryptionError as exc:
        return Prepared(target, subject, "", True, error=f"not sent: encryption failed ({exc})"[:300])
    return Prepared(target, subject, armoured, True)


def advisory_send_prenotification(
    *, actor: Any, advisory: Advisory, lists: Iterable[Any] | None = None
) -> list[PreNotification]:
    """Queue one message per recipient of the advisory's lists (or of ``lists``). The advisory must be pre-notified
    (trusted, with an embargo end). A recipient whose key fails gets nothing (a failed row says why)."""
    from garrison.notify.services import Outgoing, deliver_many

    require(actor, Permission.ADVISORY_PUBLISH)
    if advisory.level != DisclosureLevel.TRUSTED or advisory.embargo_ends_at is None:
        raise ValidationError(
            {"level": "Pre-notify the advisory first (set its embargo end): only a trusted advisory is sent to lists."}
        )
    targets = recipients_for(advisory, lists)
    if not targets:
        raise ValidationError({"lists": "No distribution list receives this advisory."})
    prepared = [_prepare(advisory, t) for t in targets]
    with transaction.atomic():
        ok = [p for p in prepared if not p.error]
        deliveries = deliver_many(
            [
                Outgoing(
                    channel="email",
                    recipient=p.target.email,
                    subject=p.subject,
                    body=p.body,
                    sealed_label=f"{p.target.email} ({advisory.identifier} pre-notification)",
                )
                for p in ok
            ]
        )
        by_email = {p.target.email: d for p, d in zip(ok, deliveries, strict=True)}
        rows = PreNotification.objects.bulk_create(
            [
                PreNotification(
                    advisory=advisory,
                    recipient=p.target.recipient,
                    email=p.target.email,
                    time_zone=p.target.time_zone,
                    encrypted=p.encrypted,
                    delivery=by_email.get(p.target.email),
                    status=PreNotificationStatus.FAILED if p.error else PreNotificationStatus.QUEUED,
                    error=p.error,
                    sent_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                for p in prepared
            ]
        )
        record(
            action=AuditAction.ADVISORY_PRENOTIFICATION_SENT,
            actor=actor,
            target=advisory,
            data={
                "identifier": advisory.identifier,
                "queued": len(ok),
                "encrypted": sum(1 for p in ok if p.encrypted),
                "failed": [str(getattr(p.target.recipient, "pk", "contact")) for p in prepared if p.error],
                "lists": [str(getattr(x, "pk", x)) for x in lists] if lists is not None else "all",
            },
        )
    for p in prepared:
        if p.error:
            logger.warning("pre-notification of %s to recipient %s not sent: %s", advisory.pk, p.target.email, p.error)
    return rows


def advisory_fix_made_public(
    *, actor: Any, advisory: Advisory, publish_now: bool, override_reason: str = ""
) -> Advisory:
    """A fix that is already public makes the issue public: publish the advisory now, or (not publishing) record
    the reason for keeping it unpublished, loudly."""
    require(actor, Permission.ADVISORY_PUBLISH)
    reason = (override_reason or "").strip()
    if not publish_now and not reason:
        raise ValidationError(
            {
                "override_reason": "The fix is public, so the issue is public: publish the advisory now, or give "
                "the reason for keeping it unpublished."
            }
        )
    with transaction.atomic():
        if publish_now:
            advisory = advisory_publish(actor=actor, advisory=advisory)
        else:
            logger.warning(
                "advisory %s kept unpublished although its fix is public (override by %s)",
                advisory.identifier,
                getattr(actor, "pk", None),
            )
        record(
            action=AuditAction.ADVISORY_FIX_PUBLIC,
            actor=actor,
            target=advisory,
            data={"published": bool(publish_now), "override": not publish_now, "override_reason": reason[:500]},
        )
    return advisory
