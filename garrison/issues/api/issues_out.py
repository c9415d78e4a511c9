"""Response bodies built from records the selectors returned, for one actor.

A component, team or release line whose classification label the actor may not see is left out (null), so an
issue never reveals a labelled name. Reporter contact details and "who can see this" go only to those who may
triage the issue.
"""

from __future__ import annotations

from typing import Any

from garrison.access.classification import label_ids_visible_to
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.issues.models import BackportEntry, IssueAttachment, IssueComment, SecurityIssue
from garrison.issues.selectors import can_see_issue, sla_state, who_can_see
from garrison.issues.services import checklist_unanswered, reporter_contact

CHECKLIST = ("scope", "layer", "area", "personal_data", "privilege_escalation", "workaround_available", "workaround")


def labelled_ref(actor: Any, obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    if obj.classification_id is not None and obj.classification_id not in label_ids_visible_to(actor):
        return None
    return {"id": obj.pk, "name": obj.name}


def user_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "email": user.email, "full_name": user.full_name}


def issue_row(actor: Any, issue: SecurityIssue) -> dict[str, Any]:
    """The list fields. Expects component, responsible_team, owner and security_level selected, labels prefetched."""
    clocks = sla_state(issue)
    return {
        "id": issue.pk,
        "key": issue.key,
        "number": issue.number,
        "title": issue.title,
        "status": issue.status,
        "close_reason": issue.close_reason,
        "severity": issue.severity,
        "priority": issue.priority,
        "cvss_score": float(issue.cvss_score) if issue.cvss_score is not None else None,
        "is_public": issue.is_public,
        "level": {"id": issue.security_level.pk, "name": issue.security_level.name},
        "component": labelled_ref(actor, issue.component),
        "component_text": issue.component_text,
        "responsible_team": labelled_ref(actor, issue.responsible_team),
        "owner": user_ref(issue.owner),
        "due_on": issue.due_on,
        "labels": sorted(label.name for label in issue.labels.all()),
        "overdue": "overdue" in clocks.values(),
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
    }


def issue_detail(actor: Any, issue: SecurityIssue) -> dict[str, Any]:
    """Everything about one issue the actor may see (they obtained it through a selector)."""
    out = issue_row(actor, issue)
    clocks = sla_state(issue)
    triager = can(actor, Permission.ISSUE_TRIAGE, issue)
    duplicate = issue.duplicate_of
    reporter = None
    if triager:
        name, email = reporter_contact(issue)
        reporter = {"name": name, "email": email, "user": user_ref(issue.reporter_user)}
    out.update(
        {
            "description": issue.description,
            "steps_to_reproduce": issue.steps_to_reproduce,
            "impact": issue.impact,
            "affected_versions": issue.affected_versions,
            "cvss_vector": issue.cvss_vector,
            "cvss_version": issue.cvss_version,
            "reported_cvss_vector": issue.reported_cvss_vector,
            "exposure": issue.exposure,
            "exposure_links": issue.exposure_links,
            "channel": issue.channel,
            "credit_name": issue.credit_name,
            "consent_to_share": issue.consent_to_share,
            "duplicate_of": duplicate.key if duplicate is not None and can_see_issue(actor, duplicate) else None,
            "acknowledged_at": issue.acknowledged_at,
            "triaged_at": issue.triaged_at,
            "fixed_at": issue.fixed_at,
            "closed_at": issue.closed_at,
            "sla": {
                "acknowledge": {
                    "state": clocks["acknowledge"],
                    "due_at": issue.ack_due_at,
                    "done_at": issue.acknowledged_at,
                },
                "triage": {"state": clocks["triage"], "due_at": issue.triage_due_at, "done_at": issue.triaged_at},
                "fix": {"state": clocks["fix"], "due_at": issue.fix_due_at, "done_at": issue.fixed_at},
            },
            "checklist": {
                **{name: getattr(issue, name) for name in CHECKLIST},
                "unanswered": checklist_unanswered(issue),
            },
            "reporter": reporter,
            "who_can_see": [user_ref(u) for u in who_can_see(issue)] if triager else None,
        }
    )
    return out


def attachment_out(attachment: IssueAttachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "from_reporter": attachment.from_reporter,
        "comment_id": attachment.comment_id,
        "uploaded_by": user_ref(attachment.uploaded_by),
        "created_at": attachment.created_at,
    }


def comment_out(comment: IssueComment) -> dict[str, Any]:
    """Expects author selected and attachments (with uploaded_by) prefetched."""
    return {
        "id": comment.pk,
        "author": user_ref(comment.author),
        "from_reporter": comment.from_reporter,
        "visibility": comment.visibility,
        "channel": comment.channel,
        "body": comment.body,
        "attachments": [attachment_out(a) for a in comment.attachments.all()],
        "created_at": comment.created_at,
    }


def backport_out(actor: Any, cell: BackportEntry) -> dict[str, Any]:
    return {
        "id": cell.pk,
        "component": labelled_ref(actor, cell.component),
        "release_line": labelled_ref(actor, cell.release_line),
        "status": cell.status,
        "fixed_version": cell.fixed_version,
        "fix_links": [line for line in cell.fix_links.splitlines() if line.strip()],
        "workaround": cell.workaround,
        "decision": cell.decision,
        "updated_at": cell.updated_at,
    }
