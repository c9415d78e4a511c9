"""Advisories: drafted from security issues and their backport matrix, exported to the standard formats, and
published under the embargo rules (GARRISON_EMBARGO_MAX_DAYS, approval by a second security lead)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.disclosure.document import (
    AdvisoryDoc,
    CreditDoc,
    ExportError,
    ProductDoc,
    ReferenceDoc,
    RevisionDoc,
)
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.models import (
    Advisory,
    AdvisoryProduct,
    Credit,
    CreditConsent,
    CreditType,
    DisclosureLevel,
    Revision,
)
from garrison.disclosure.status import FROM_BACKPORT, Justification, ProductStatus


def next_identifier(now: datetime | None = None) -> str:
    """PREFIX-YEAR-NNNN, the next free number of the year (called inside the drafting transaction)."""
    year = (now or clock.now()).year
    stem = f"{settings.GARRISON_ADVISORY_PREFIX}-{year}-"
    taken = (
        Advisory.objects.select_for_update().filter(identifier__startswith=stem).values_list("identifier", flat=True)
    )
    numbers = [int(i.removeprefix(stem)) for i in taken if i.removeprefix(stem).isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:04d}"


def _vectors(issues: list[Any]) -> dict[str, Any]:
    """The worst-scored issue's vector, per CVSS version."""
    out: dict[str, Any] = {}
    for issue in sorted(issues, key=lambda i: i.cvss_score or 0, reverse=True):
        if issue.cvss_version.startswith("3") and "cvss_v3_vector" not in out:
            out.update(cvss_v3_vector=issue.cvss_vector, cvss_v3_score=issue.cvss_score)
        if issue.cvss_version == "4.0" and "cvss_v4_vector" not in out:
            out.update(cvss_v4_vector=issue.cvss_vector, cvss_v4_score=issue.cvss_score)
    return out


def advisory_draft(*, actor: Any, issues: list[Any]) -> Advisory:
    """A private draft from one or more issues the actor may see: text and score from the issues, products from
    their backport matrices, credits from what the reporters asked for (pending their consent)."""
    from garrison.issues.selectors import issues_visible_to

    require(actor, Permission.ADVISORY_EDIT)
    ids = [getattr(i, "pk", i) for i in issues]
    found = list(issues_visible_to(actor=actor).filter(pk__in=ids).order_by("number"))
    if not found or len(found) != len(set(ids)):
        raise ValidationError({"issues": "Choose one or more security issues you can see."})
    first = found[0]
    severities = ["critical", "high", "medium", "low", "none"]
    worst = min((i.severity for i in found if i.severity in severities), key=severities.index, default="")
    with transaction.atomic():
        advisory = Advisory.objects.create(
            identifier=next_identifier(),
            title=first.title,
            description="\n\n".join(i.description for i in found),
            severity=worst,
            workarounds="\n".join(i.workaround for i in found if i.workaround),
            created_by=actor,
            **_vectors(found),
        )
        advisory.issues.set(found)
        _products_from_backports(advisory, found)
        for issue in found:
            if issue.credit_name:
                Credit.objects.create(
                    advisory=advisory,
                    name=issue.credit_name,
                    type=CreditType.REPORTER,
                    consent=CreditConsent.PENDING,
                    issue=issue,
                )
        Revision.objects.create(advisory=advisory, number=1, summary="Initial version", date=clock.now())
        record(
            action=AuditAction.ADVISORY_DRAFTED,
            actor=actor,
            target=advisory,
            data={"identifier": advisory.identifier, "issues": [str(i.pk) for i in found]},
        )
    return advisory


def _products_from_backports(advisory: Advisory, issues: list[Any]) -> None:
    cells: dict[tuple[Any, Any], AdvisoryProduct] = {}
    for issue in issues:
        for cell in issue.backports.select_related("component", "release_line"):
            status = FROM_BACKPORT[cell.status]
            cells[(cell.component_id, cell.release_line_id)] = AdvisoryProduct(
                advisory=advisory,
                component_id=cell.component_id,
                release_line_id=cell.release_line_id,
                status=status,
                justification=(
                    Justification.VULNERABLE_CODE_NOT_PRESENT if status == ProductStatus.NOT_AFFECTED else ""
                ),
                fixed_version=cell.fixed_version,
                impact=cell.workaround or cell.decision,
            )
    AdvisoryProduct.objects.bulk_create(cells.values())


def _credit_shown(credit: Credit) -> bool:
    return credit.consent in (CreditConsent.ACCEPTED, CreditConsent.NOT_NEEDED)


def document_for(advisory: Advisory) -> AdvisoryDoc:
    """The advisory as the exporters read it (credits only where the person accepted or no consent is needed)."""
    base = settings.BASE_URL
    revisions = tuple(RevisionDoc(r.number, r.date, r.summary) for r in advisory.revisions.all())
    first = revisions[0].date if revisions else advisory.created_at
    products = tuple(
        ProductDoc(
            component=p.component.name,
            release_line=p.release_line.name if p.release_line else "",
            status=ProductStatus(p.status),
            package_url=p.component.package_url,
            justification=Justification(p.justification) if p.justification else None,
            affected_versions=p.affected_versions,
            introduced_version=p.introduced_version,
            fixed_version=p.fixed_version,
            impact=p.impact,
        )
        for p in advisory.products.select_related("component", "release_line")
    )
    references = tuple(
        ReferenceDoc(url=str(r.get("url", "")), type=str(r.get("type", "web")))
        for r in advisory.references
        if isinstance(r, dict) and r.get("url")
    )
    return AdvisoryDoc(
        identifier=advisory.identifier,
        title=advisory.title,
        publisher_name=settings.GARRISON_PUBLISHER_NAME,
        publisher_namespace=settings.GARRISON_PUBLISHER_NAMESPACE,
        initial_release=advisory.published_at or first,
        current_release=revisions[-1].date if revisions else first,
        status="final" if advisory.level == DisclosureLevel.PUBLIC else "interim",
        summary=advisory.summary,
        description=advisory.description,
        cve_id=advisory.cve_id,
        ghsa_id=advisory.ghsa_id,
        severity=advisory.severity,
        cvss_v3_vector=advisory.cvss_v3_vector,
        cvss_v3_score=advisory.cvss_v3_score,
        cvss_v4_vector=advisory.cvss_v4_vector,
        cvss_v4_score=advisory.cvss_v4_score,
        cwe_ids=tuple(int(c) for c in advisory.cwe_ids if str(c).isdigit()),
        workarounds=advisory.workarounds,
        products=products,
        credits=tuple(CreditDoc(c.name, c.type, c.organisation) for c in advisory.credits.all() if _credit_shown(c)),
        references=references,
        revisions=revisions,
        url=f"{base}/advisories/{advisory.identifier}",
        extra={"assigner_org_id": settings.GARRISON_CVE_ASSIGNER_ORG_ID}
        if settings.GARRISON_CVE_ASSIGNER_ORG_ID
        else {},
    )


def advisory_export(*, actor: Any, advisory: Advisory, fmt: str) -> dict[str, Any]:
    """One standard document (csaf, csaf-vex, openvex, osv, cve5). A draft that cannot make a valid document
    raises ExportError naming what is missing. Exports of unpublished advisories are audited."""
    if fmt not in EXPORTERS:
        raise ValidationError({"format": f"Choose one of: {', '.join(EXPORTERS)}."})
    if advisory.level != DisclosureLevel.PUBLIC:
        require(actor, Permission.ADVISORY_VIEW)
    document = EXPORTERS[fmt](document_for(advisory))
    if advisory.level != DisclosureLevel.PUBLIC:
        with transaction.atomic():
            record(action=AuditAction.ADVISORY_EXPORTED, actor=actor, target=advisory, data={"format": fmt})
    return document


def check_embargo_end(ends_at: datetime, now: datetime | None = None) -> None:
    """An embargo end must carry its time zone, lie in the future and within GARRISON_EMBARGO_MAX_DAYS."""
    now = now or clock.now()
    if timezone.is_naive(ends_at):
        raise ValidationError(
            {"embargo_ends_at": "Give the embargo end with its time zone, e.g. 2026-12-01T09:00+01:00."}
        )
    if ends_at <= now:
        raise ValidationError({"embargo_ends_at": "The embargo end must be in the future."})
    limit = timedelta(days=settings.GARRISON_EMBARGO_MAX_DAYS)
    if ends_at - now > limit:
        raise ValidationError(
            {
                "embargo_ends_at": f"An embargo lasts at most {settings.GARRISON_EMBARGO_MAX_DAYS} days from "
                f"pre-notification (until {(now + limit).isoformat(timespec='minutes')} UTC)."
            }
        )


def publication_problems(advisory: Advisory) -> list[str]:
    """What keeps the advisory from being published: the CSAF export's missing fields, and pending credits."""
    problems: list[str] = []
    try:
        EXPORTERS["csaf"](replace(document_for(advisory), status="final"))
    except ExportError as exc:
        problems.extend(exc.missing)
    if advisory.credits.filter(consent=CreditConsent.PENDING).exists():
        problems.append("a reporter has not yet accepted or declined the credit")
    labelled = advisory.products.filter(
        Q(component__classification__isnull=False) | Q(release_line__classification__isnull=False)
    ).select_related("component", "release_line")
    for product in labelled:
        line = f" on {product.release_line.name}" if product.release_line else ""
        problems.append(
            f"the product {product.component.name}{line} carries a classification label: a public advisory would "
            "name it; remove the product or the label first"
        )
    return problems


def advisory_approve(*, actor: Any, advisory: Advisory) -> Advisory:
    """A second security lead approves publication (not the one who drafted it)."""
    require(actor, Permission.ADVISORY_PUBLISH)
    if advisory.created_by_id == getattr(actor, "pk", None):
        raise ValidationError({"approved_by": "Another security lead must approve an advisory you drafted."})
    with transaction.atomic():
        Advisory.objects.filter(pk=advisory.pk).update(approved_by=actor)
        record(action=AuditAction.ADVISORY_APPROVED, actor=actor, target=advisory, data={})
    advisory.refresh_from_db()
    return advisory


def advisory_publish(*, actor: Any, advisory: Advisory, now: datetime | None = None) -> Advisory:
    """Make the advisory public now (explicit, audited). Refused with every reason when it is not ready."""
    require(actor, Permission.ADVISORY_PUBLISH)
    return _publish(advisory, actor=actor, now=now or clock.now())


def _publish(advisory: Advisory, *, actor: Any, now: datetime) -> Advisory:
    problems = publication_problems(advisory)
    if settings.GARRISON_PUBLISH_NEEDS_APPROVAL and advisory.approved_by_id is None:
        problems.append("a second security lead must approve it first")
    if problems:
        raise ValidationError({"advisory": problems})
    with transaction.atomic():
        row = Advisory.objects.select_for_update().get(pk=advisory.pk)
        if row.level == DisclosureLevel.PUBLIC:
            return row  # already published (another worker, or a second click): once only
        row.level, row.published_at = DisclosureLevel.PUBLIC, now
        row.save(update_fields=["level", "published_at", "updated_at"])
        _disclose_issues(row, actor)
        record(
            action=AuditAction.ADVISORY_PUBLISHED,
            actor=actor,
            actor_label=None if actor is not None else "scheduler",
            target=row,
            data={"identifier": row.identifier, "embargo_ends_at": str(row.embargo_ends_at or "")},
        )
    return row


def _disclose_issues(advisory: Advisory, actor: Any) -> None:
    """The fixed issues an advisory grows out of become disclosed with it (each move audited)."""
    from garrison.issues.models import IssueStatus, SecurityIssue

    fixed = list(advisory.issues.filter(status=IssueStatus.FIXED).values_list("pk", flat=True))
    SecurityIssue.objects.filter(pk__in=fixed).update(status=IssueStatus.DISCLOSED, updated_at=clock.now())
    for pk in fixed:
        record(
            action=AuditAction.ISSUE_TRANSITIONED,
            actor=actor,
            actor_label=None if actor is not None else "scheduler",
            target=SecurityIssue(pk=pk),
            data={"from": IssueStatus.FIXED, "to": IssueStatus.DISCLOSED, "advisory": advisory.identifier},
        )


def advisories_publish_due(now: datetime | None = None) -> list[str]:
    """At the embargo end of each pre-notified advisory: publish it (GARRISON_EMBARGO_END_ACTION "publish"), or
    remind the security leads ("remind", and also when it is not ready to publish). Called by the scheduler;
    row locks make each publication and each reminder happen once however many schedulers run. Returns the
    identifiers published."""
    now = now or clock.now()
    due = Advisory.objects.filter(level=DisclosureLevel.TRUSTED, embargo_ends_at__lte=now)
    if settings.GARRISON_EMBARGO_END_ACTION != "publish":  # reminders go once: skip what was reminded already
        due = due.filter(embargo_reminded_at__isnull=True)
    published = []
    for advisory in due:
        if settings.GARRISON_EMBARGO_END_ACTION == "publish":
            try:
                _publish(advisory, actor=None, now=now)
            except ValidationError:
                _remind(advisory, now, "it is not ready to publish")
                continue
            published.append(advisory.identifier)
        else:
            _remind(advisory, now, "publish it when ready")
    return published


def _remind(advisory: Advisory, now: datetime, why: str) -> None:
    """Tell the security leads (in-app and email) once that the embargo ended: the identifier and a link only."""
    from garrison.access.roles import Role
    from garrison.accounts.models import User
    from garrison.notify.models import DeliveryChannel, Notification
    from garrison.notify.services.delivery import Outgoing, deliver_many

    with transaction.atomic():
        row = Advisory.objects.select_for_update().get(pk=advisory.pk)
        if row.embargo_reminded_at is not None:
            return
        row.embargo_reminded_at = now
        row.save(update_fields=["embargo_reminded_at", "updated_at"])
        leads = list(User.objects.filter(is_active=True, role=Role.SECURITY_LEAD))
        link = f"{settings.BASE_URL}/disclosure/{row.identifier}/"
        text = f"The embargo of {row.identifier} has ended: {why}."
        Notification.objects.bulk_create([Notification(user=u, text=text, link=link) for u in leads])
        deliver_many(
            [
                Outgoing(
                    DeliveryChannel.EMAIL,
                    u.email,
                    f"[Garrison] Embargo ended: {row.identifier}",
                    f"{text}\n{link}",
                    user=u,
                )
                for u in leads
            ]
        )


def advisory_prenotify(*, actor: Any, advisory: Advisory, embargo_ends_at: datetime) -> Advisory:
    """Private -> trusted: the embargo starts now and ends at ``embargo_ends_at`` (stored in UTC), within the
    deployment's maximum. Sending to the distribution lists is services_lists.advisory_send_prenotification."""
    require(actor, Permission.ADVISORY_PUBLISH)
    now = clock.now()
    check_embargo_end(embargo_ends_at, now)
    if advisory.level != DisclosureLevel.PRIVATE:
        raise ValidationError({"level": f"Only a private advisory can be pre-notified (this one is {advisory.level})."})
    with transaction.atomic():
        row = Advisory.objects.select_for_update().get(pk=advisory.pk)
        row.level, row.pre_notified_at = DisclosureLevel.TRUSTED, now
        row.embargo_ends_at = embargo_ends_at.astimezone(UTC)
        row.save(update_fields=["level", "pre_notified_at", "embargo_ends_at", "updated_at"])
        record(
            action=AuditAction.ADVISORY_PRENOTIFIED,
            actor=actor,
            target=row,
            data={"embargo_ends_at": row.embargo_ends_at.isoformat()},
        )
    return row
