"""Triage: edit, score, move through the states, choose the security level, answer the checklist."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.issues import sla
from garrison.issues.cvss import CvssError, score_vector
from garrison.issues.models import (
    Answer,
    Area,
    BackportEntry,
    BackportStatus,
    CloseReason,
    Exposure,
    IssueLabel,
    IssueSeverity,
    IssueStatus,
    Layer,
    Priority,
    Scope,
    SecurityIssue,
    SecurityLevel,
)
from garrison.issues.selectors import can_see_issue, issues_visible_to
from garrison.issues.services.intake import clean_text
from garrison.notify import hooks

S = IssueStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.TRIAGE, S.CLOSED),
    S.TRIAGE: (S.CONFIRMED, S.CLOSED),
    S.CONFIRMED: (S.FIXING, S.FIXED, S.CLOSED),
    S.FIXING: (S.FIXED, S.CLOSED),
    S.FIXED: (S.DISCLOSED, S.FIXING),
    S.DISCLOSED: (),
    S.CLOSED: (S.TRIAGE,),
}

CHECKLIST_FIELDS: dict[str, Any] = {
    "scope": Scope,
    "layer": Layer,
    "area": Area,
    "personal_data": Answer,
    "privilege_escalation": Answer,
    "workaround_available": Answer,
}

EDITABLE = (
    "title",
    "description",
    "steps_to_reproduce",
    "impact",
    "affected_versions",
    "exposure_links",
    "credit_name",
)


def _require_on(actor: Any, permission: Permission, issue: SecurityIssue) -> None:
    """The issue must be visible (else 404, as if it did not exist) and the permission held on it."""
    if not can_see_issue(actor, issue):
        raise Http404("No such issue")
    require(actor, permission, issue)


def _locked(issue: SecurityIssue) -> SecurityIssue:
    return SecurityIssue.objects.select_for_update().get(pk=issue.pk)


def issue_update(*, actor: Any, issue: SecurityIssue, changes: dict[str, Any]) -> SecurityIssue:
    """Change the text fields, component (the responsible team follows), owner, due date, exposure and labels.

    ``changes`` holds only the fields to change: text fields by name, ``component`` (a Component or None),
    ``owner`` (a User or None), ``due_on`` (a date or None), ``exposure``, ``labels`` (IssueLabel objects)."""
    _require_on(actor, Permission.ISSUE_TRIAGE, issue)
    errors: dict[str, str] = {}
    for name in EDITABLE:
        if name in changes:
            changes[name] = clean_text(changes[name])
    if "title" in changes and not changes["title"]:
        errors["title"] = "The title cannot be empty."
    if "description" in changes and not changes["description"]:
        errors["description"] = "The description cannot be empty."
    if "exposure" in changes and changes["exposure"] not in Exposure.values:
        errors["exposure"] = "Unknown exposure."
    owner = changes.get("owner")
    if owner is not None and not can_see_issue(owner, issue):
        errors["owner"] = "The owner must be someone who can see this issue (check its security level)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = _locked(issue)
        changed: list[str] = []
        for name in (*EDITABLE, "exposure", "due_on"):
            if name in changes and getattr(row, name) != changes[name]:
                setattr(row, name, changes[name])
                changed.append(name)
        if "owner" in changes and row.owner_id != getattr(owner, "pk", None):
            row.owner = owner
            changed.append("owner")
        if "component" in changes and row.component_id != getattr(changes["component"], "pk", None):
            component = changes["component"]
            row.component = component
            row.responsible_team_id = component.responsible_team_id if component else None
            if component:
                row.component_text = ""
            changed += ["component", "responsible_team"]
        top_before = sla.is_top_priority(row.priority)
        if "exposure" in changed and row.exposure == Exposure.EXPLOITED:
            row.priority = Priority.P1
        row.save()
        if "labels" in changes:
            row.labels.set(changes["labels"])
            changed.append("labels")
        if row.component_id and row.status in (S.CONFIRMED, S.FIXING):
            backports_ensure(row)
        if changed:
            record(action=AuditAction.ISSUE_UPDATED, actor=actor, target=row, data={"fields": changed})
        if not top_before and sla.is_top_priority(row.priority):
            issue_id = row.pk
            transaction.on_commit(lambda: hooks.issue_top_priority(issue_id))
    return row


def issue_score(*, actor: Any, issue: SecurityIssue, vector: str) -> SecurityIssue:
    """Score with a CVSS v3.x/v4.0 vector (empty: clear). Severity sets priority and the fix due date."""
    _require_on(actor, Permission.ISSUE_TRIAGE, issue)
    scored = None
    if vector.strip():
        try:
            scored = score_vector(vector)
        except CvssError as exc:
            raise ValidationError({"cvss_vector": str(exc)}) from None
    with transaction.atomic():
        row = _locked(issue)
        top_before = sla.is_top_priority(row.priority)
        if scored:
            row.cvss_vector, row.cvss_version, row.cvss_score = scored.vector, scored.version, scored.score
            row.severity = scored.severity
        else:
            row.cvss_vector, row.cvss_version, row.cvss_score = "", "", None
            row.severity = IssueSeverity.UNKNOWN
        row.priority = sla.priority_for(row.severity) if row.severity != IssueSeverity.UNKNOWN else ""
        if row.exposure == Exposure.EXPLOITED:
            row.priority = Priority.P1
        row.fix_due_at = sla.fix_due(row.created_at, row.severity)
        row.save()
        record(
            action=AuditAction.ISSUE_SCORED,
            actor=actor,
            target=row,
            data={"vector": row.cvss_vector, "score": str(row.cvss_score or ""), "priority": row.priority},
        )
        if not top_before and sla.is_top_priority(row.priority):
            issue_id = row.pk
            transaction.on_commit(lambda: hooks.issue_top_priority(issue_id))
    return row


def fixed_blockers(issue: SecurityIssue) -> list[str]:
    """Supported release lines still unknown or affected, without a recorded decision."""
    blockers = []
    for cell in issue.backports.select_related("component", "release_line"):
        open_status = cell.status in (BackportStatus.UNKNOWN, BackportStatus.AFFECTED, BackportStatus.FIX_IN_PROGRESS)
        if open_status and not cell.release_line.support_ended and not cell.decision.strip():
            blockers.append(f"{cell.component.name} on {cell.release_line.name} ({cell.get_status_display()})")
    return blockers


def issue_transition(
    *,
    actor: Any,
    issue: SecurityIssue,
    to: str,
    reason: str = "",
    duplicate_of: SecurityIssue | None = None,
    note: str = "",
) -> SecurityIssue:
    """Move the issue to ``to``; an invalid move is refused saying which moves are possible."""
    _require_on(actor, Permission.ISSUE_TRIAGE, issue)
    if to == S.DISCLOSED:
        raise ValidationError({"status": "An issue becomes disclosed when its advisory is published."})
    with transaction.atomic():
        row = _locked(issue)
        allowed = TRANSITIONS.get(row.status, ())
        if to not in allowed:
            names = ", ".join(S(s).label.lower() for s in allowed) or "none"
            raise ValidationError(
                {"status": f"An issue that is {S(row.status).label.lower()} cannot become {to!r}; possible: {names}."}
            )
        if to == S.CLOSED:
            if reason not in CloseReason.values:
                raise ValidationError({"reason": "Closing needs a reason: " + ", ".join(CloseReason.values) + "."})
            if reason == CloseReason.DUPLICATE:
                if duplicate_of is None or duplicate_of.pk == row.pk or not can_see_issue(actor, duplicate_of):
                    raise ValidationError({"duplicate_of": "Name the (other, visible) issue this one duplicates."})
                row.duplicate_of = duplicate_of
            row.close_reason = reason
            row.closed_at = clock.now()
        else:
            row.close_reason = ""
            row.closed_at = None
        if to == S.FIXED:
            blockers = fixed_blockers(row)
            if blockers:
                raise ValidationError(
                    {
                        "status": "Supported release lines still need a status or a recorded decision: "
                        + "; ".join(blockers)
                    }
                )
            row.fixed_at = clock.now()
        now = clock.now()
        if row.acknowledged_at is None and to != S.NEW:
            row.acknowledged_at = now
        if to in (S.CONFIRMED, S.CLOSED) and row.triaged_at is None:
            row.triaged_at = now
        previous = row.status
        row.status = to
        row.save()
        if to in (S.CONFIRMED, S.FIXING) and row.component_id:
            backports_ensure(row)
        record(
            action=AuditAction.ISSUE_TRANSITIONED,
            actor=actor,
            target=row,
            data={"from": previous, "to": to, "reason": reason, "note": clean_text(note)[:500]},
        )
    return row


def issue_set_level(*, actor: Any, issue: SecurityIssue, level: SecurityLevel) -> SecurityIssue:
    _require_on(actor, Permission.ISSUE_TRIAGE, issue)
    with transaction.atomic():
        row = _locked(issue)
        if row.security_level_id == level.pk:
            return row
        previous = row.security_level_id
        row.security_level = level
        row.save(update_fields=["security_level", "updated_at"])
        record(
            action=AuditAction.ISSUE_LEVEL_CHANGED,
            actor=actor,
            target=row,
            data={"from": str(previous), "to": str(level.pk), "level": level.name},
        )
    return row


def issue_set_public(*, actor: Any, issue: SecurityIssue, public: bool, reason: str) -> SecurityIssue:
    """Mark an issue about already-public third-party software as public (no embargo), or embargo it again."""
    _require_on(actor, Permission.ISSUE_TRIAGE, issue)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why (e.g. the CVE is already public upstream)."})
    with transaction.atomic():
        row = _locked(issue)
        row.is_public = public
        row.save(update_fields=["is_public", "updated_at"])
        record(action=AuditAction.ISSUE_MADE_PUBLIC, actor=actor, target=row, data={"public": public, "reason": reason})
    return row


def checklist_update(
    *, actor: Any, issue: SecurityIssue, answers: dict[str, str], workaround: str = ""
) -> SecurityIssue:
    _require_on(actor, Permission.ISSUE_TRIAGE, issue)
    errors = {
        name: "Not a valid answer."
        for name, value in answers.items()
        if name not in CHECKLIST_FIELDS or value not in CHECKLIST_FIELDS[name].values
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = _locked(issue)
        for name, value in answers.items():
            setattr(row, name, value)
        row.workaround = clean_text(workaround)
        if row.workaround_available == Answer.YES and not row.workaround:
            raise ValidationError({"workaround": "Describe the workaround."})
        row.save()
        record(action=AuditAction.ISSUE_CHECKLIST_UPDATED, actor=actor, target=row, data={"fields": sorted(answers)})
    return row


def checklist_unanswered(issue: SecurityIssue) -> list[str]:
    """The investigation questions still open (labels, in checklist order)."""
    questions = {
        "scope": "Does it affect one application or the whole system?",
        "layer": "Frontend or backend?",
        "area": "Hosting/infrastructure or the software?",
        "personal_data": "Is personal data exposed?",
        "privilege_escalation": "Is privilege escalation possible?",
        "workaround_available": "Is a workaround available?",
    }
    missing = [text for name, text in questions.items() if not getattr(issue, name)]
    if not issue.affected_versions and not issue.backports.exists():
        missing.append("Which versions and release lines are affected?")
    return missing


def backports_ensure(issue: SecurityIssue) -> int:
    """One "unknown" cell per supported release line for the issue's component (existing cells untouched).
    Internal: called by services that already checked the actor (confirming, fixing); see backports_add_supported."""
    from garrison.org.models import ReleaseLine, ReleaseLineStatus

    if not issue.component_id:
        return 0
    lines = ReleaseLine.objects.filter(status=ReleaseLineStatus.SUPPORTED)
    have = set(issue.backports.filter(component_id=issue.component_id).values_list("release_line_id", flat=True))
    cells = [
        BackportEntry(issue=issue, component_id=issue.component_id, release_line=line)
        for line in lines
        if line.pk not in have and not line.support_ended
    ]
    BackportEntry.objects.bulk_create(cells)
    return len(cells)


def backports_add_supported(*, actor: Any, issue: SecurityIssue) -> int:
    """Add an "unknown" cell for every supported release line of the issue's component (audited)."""
    _require_on(actor, Permission.BACKPORT_EDIT, issue)
    with transaction.atomic():
        created = backports_ensure(issue)
        if created:
            record(action=AuditAction.ISSUE_BACKPORT_SET, actor=actor, target=issue, data={"cells_added": created})
    return created


def label_create(*, actor: Any, name: str, description: str = "") -> IssueLabel:
    require(actor, Permission.ISSUE_TRIAGE)
    from django.utils.text import slugify

    slug = slugify(clean_text(name))[:60]
    if not slug:
        raise ValidationError({"name": "Give the label a name (letters, digits, dashes)."})
    if IssueLabel.objects.filter(name=slug).exists():
        raise ValidationError({"name": f"The label {slug!r} exists."})
    with transaction.atomic():
        label = IssueLabel.objects.create(name=slug, description=clean_text(description)[:200])
        record(action=AuditAction.ISSUE_LABEL_CREATED, actor=actor, target=label, data={"name": slug})
    return label


def issue_link_findings(*, actor: Any, issue: SecurityIssue, findings: list[Any]) -> int:
    """Link findings (the actor may see and triage) to the issue, both ways."""
    _require_on(actor, Permission.ISSUE_TRIAGE, issue)
    return _link_findings(actor, issue, findings)


def _link_findings(actor: Any, issue: SecurityIssue, findings: list[Any]) -> int:
    from garrison.findings.selectors import findings_visible_to

    ids = [getattr(f, "pk", f) for f in findings]
    visible = list(findings_visible_to(actor=actor).filter(pk__in=ids).values_list("pk", flat=True))
    if len(visible) != len(set(ids)):
        raise ValidationError({"findings": "Some findings do not exist or are not visible to you."})
    with transaction.atomic():
        issue.findings.add(*visible)  # type: ignore[arg-type]
        record(action=AuditAction.ISSUE_FINDING_LINKED, actor=actor, target=issue, data={"findings": visible})
    return len(visible)


def issue_from_finding(*, actor: Any, finding: Any) -> SecurityIssue:
    """Promote a finding to a security issue (linked both ways), at the most restrictive level."""
    from garrison.issues.models import Channel
    from garrison.issues.services.intake import ReportData, issue_intake

    lines = [finding.description or finding.title]
    if finding.package_name:
        lines.append(f"Package: {finding.package_name} {finding.installed_version}".strip())
    if finding.file_path:
        lines.append(f"File: {finding.file_path}")
    report = ReportData(
        title=((f"{finding.vulnerability_id}: " if finding.vulnerability_id else "") + finding.title)[:200],
        description="\n".join(lines),
        component_id=finding.component_id,
        affected_versions=finding.installed_version or "",
    )
    with transaction.atomic():
        issue = issue_intake(report=report, channel=Channel.FINDING, actor=actor).issue
        # The actor filed it (ISSUE_CREATE) even if the new issue's level hides it from them (e.g. an admin).
        _link_findings(actor, issue, [finding])
    return issue


def visible_duplicate(*, actor: Any, number: int) -> SecurityIssue:
    issue = issues_visible_to(actor=actor).filter(number=number).first()
    if issue is None:
        raise ValidationError({"duplicate_of": f"SEC-{number} does not exist or is not visible to you."})
    return issue
