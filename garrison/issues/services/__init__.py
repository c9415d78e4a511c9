"""Every write to security issues. Views, API and CLI call these; nothing else saves issue rows."""

from garrison.issues.services.intake import (
    IncomingFile,
    IntakeResult,
    ReportData,
    issue_intake,
    reporter_contact,
    reporter_reply,
    tracking_token_of,
)
from garrison.issues.services.levels import (
    level_delete,
    level_review,
    level_save,
    saved_filter_delete,
    saved_filter_save,
)
from garrison.issues.services.triage import (
    backports_ensure,
    checklist_unanswered,
    checklist_update,
    issue_from_finding,
    issue_link_findings,
    issue_score,
    issue_set_level,
    issue_set_public,
    issue_transition,
    issue_update,
    label_create,
    visible_duplicate,
)
from garrison.issues.services.work import attachment_read, attachment_read_for_reporter, backport_set, comment_add

__all__ = [
    "IncomingFile",
    "IntakeResult",
    "ReportData",
    "attachment_read",
    "attachment_read_for_reporter",
    "backport_set",
    "backports_ensure",
    "checklist_unanswered",
    "checklist_update",
    "comment_add",
    "issue_from_finding",
    "issue_intake",
    "issue_link_findings",
    "issue_score",
    "issue_set_level",
    "issue_set_public",
    "issue_transition",
    "issue_update",
    "label_create",
    "level_delete",
    "level_review",
    "level_save",
    "reporter_contact",
    "reporter_reply",
    "saved_filter_delete",
    "saved_filter_save",
    "tracking_token_of",
    "visible_duplicate",
]
