"""Request and response bodies of the security-issues API.

Issues are addressed by their key (``SEC-12``). Components, release lines, teams and security levels are given by
id (UUID) or by name; owners by id or email; labels by name. Unknown fields in JSON bodies are refused (422 naming
the field). In PATCH bodies every field may be left out; a field that is sent replaces the current value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from garrison.issues.models import (
    Answer,
    Area,
    BackportStatus,
    Channel,
    CloseReason,
    CommentVisibility,
    Exposure,
    IssueSeverity,
    IssueStatus,
    Layer,
    Scope,
)


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out, but may not be null")
    return value


NotNull = BeforeValidator(_not_null)
KEY_HELP = "An issue key such as SEC-12."


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


# --- shared output pieces --------------------------------------------------------------------------------------


class Ref(Schema):
    id: UUID
    name: str


class UserRef(Schema):
    id: UUID
    email: str
    full_name: str


class SlaClock(Schema):
    state: str = Field(description='"met", "late", "overdue", "due" or "" (no clock).')
    due_at: datetime | None
    done_at: datetime | None


class SlaOut(Schema):
    acknowledge: SlaClock
    triage: SlaClock
    fix: SlaClock


class ChecklistOut(Schema):
    scope: str
    layer: str
    area: str
    personal_data: str
    privilege_escalation: str
    workaround_available: str
    workaround: str
    unanswered: list[str] = Field(description="The investigation questions still open.")


class ReporterOut(Schema):
    """Only for those who may triage the issue."""

    name: str
    email: str
    user: UserRef | None


# --- issues ----------------------------------------------------------------------------------------------------


class IssueOut(Schema):
    id: UUID
    key: str
    number: int
    title: str
    status: IssueStatus
    close_reason: str
    severity: IssueSeverity
    priority: str
    cvss_score: float | None
    is_public: bool
    level: Ref
    component: Ref | None
    component_text: str
    responsible_team: Ref | None
    owner: UserRef | None
    due_on: date | None
    labels: list[str]
    overdue: bool
    created_at: datetime
    updated_at: datetime


class IssueDetailOut(IssueOut):
    description: str
    steps_to_reproduce: str
    impact: str
    affected_versions: str
    cvss_vector: str
    cvss_version: str
    reported_cvss_vector: str
    exposure: str
    exposure_links: str
    channel: Channel
    credit_name: str
    consent_to_share: bool
    duplicate_of: str | None = Field(description="Key of the issue this one duplicates (when you may see it).")
    acknowledged_at: datetime | None
    triaged_at: datetime | None
    fixed_at: datetime | None
    closed_at: datetime | None
    sla: SlaOut
    checklist: ChecklistOut
    reporter: ReporterOut | None = Field(description="Contact details; only for those who may triage.")
    who_can_see: list[UserRef] | None = Field(description="Who can see this issue; only for those who may triage.")


class IssuePage(Schema):
    items: list[IssueOut]
    next_cursor: str | None


class CountOut(Schema):
    count: int


class IssueFiledOut(Schema):
    """A filed issue starts at the most restrictive security level: ``issue`` is null when you cannot see it."""

    id: UUID
    key: str
    visible: bool
    issue: IssueDetailOut | None


class IssueIn(StrictIn):
    title: str
    description: str
    component: str | None = Field(None, description="Component id or name.")
    component_text: str = Field("", description="The component in words, when it is not in the list.")
    affected_versions: str = ""
    steps_to_reproduce: str = ""
    impact: str = ""
    cvss_vector: str = ""
    exposure: Exposure = Exposure.UNKNOWN
    exposure_links: str = ""
    reporter_name: str = ""
    reporter_email: str = ""
    credit_name: str = ""
    consent_to_share: bool = False


class IssuePatch(StrictIn):
    title: Annotated[str | None, NotNull] = None
    description: Annotated[str | None, NotNull] = None
    steps_to_reproduce: Annotated[str | None, NotNull] = None
    impact: Annotated[str | None, NotNull] = None
    affected_versions: Annotated[str | None, NotNull] = None
    exposure_links: Annotated[str | None, NotNull] = None
    credit_name: Annotated[str | None, NotNull] = None
    exposure: Annotated[Exposure | None, NotNull] = None
    component: str | None = Field(None, description="Component id or name; null for none.")
    owner: str | None = Field(None, description="Id or email of someone who can see the issue; null for none.")
    due_on: date | None = None
    labels: Annotated[list[str] | None, NotNull] = Field(None, description="Label names (replaces the list).")


class ScoreIn(StrictIn):
    vector: str = Field(description="A CVSS v3.0/v3.1/v4.0 vector; empty clears the score.")


class CvssIn(StrictIn):
    vector: str


class CvssOut(Schema):
    vector: str
    version: str
    score: float
    severity: IssueSeverity


class TransitionIn(StrictIn):
    to: IssueStatus
    reason: CloseReason | None = Field(None, description="Required when closing.")
    duplicate_of: str | None = Field(None, description=f"For reason duplicate: {KEY_HELP}")
    note: str = ""


class LevelIn(StrictIn):
    level: str = Field(description="Security level id or name.")


class PublicIn(StrictIn):
    public: bool
    reason: str


class ChecklistIn(StrictIn):
    """Answers to change; fields left out keep their answer ("" marks a question unanswered again)."""

    scope: Annotated[Scope | None, NotNull] = None
    layer: Annotated[Layer | None, NotNull] = None
    area: Annotated[Area | None, NotNull] = None
    personal_data: Annotated[Answer | None, NotNull] = None
    privilege_escalation: Annotated[Answer | None, NotNull] = None
    workaround_available: Annotated[Answer | None, NotNull] = None
    workaround: Annotated[str | None, NotNull] = None


# --- comments and attachments ----------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    from_reporter: bool
    comment_id: UUID | None
    uploaded_by: UserRef | None
    created_at: datetime


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    next_cursor: str | None


class CommentOut(Schema):
    id: UUID
    author: UserRef | None
    from_reporter: bool
    visibility: CommentVisibility
    channel: Channel
    body: str
    attachments: list[AttachmentOut]
    created_at: datetime


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class CommentIn(StrictIn):
    body: str
    visibility: CommentVisibility = CommentVisibility.INTERNAL


# --- backports -------------------------------------------------------------------------------------------------


class BackportOut(Schema):
    id: UUID
    component: Ref | None
    release_line: Ref | None
    status: BackportStatus
    fixed_version: str
    fix_links: list[str]
    workaround: str
    decision: str
    updated_at: datetime


class BackportIn(StrictIn):
    component: str = Field(description="Component id or name.")
    release_line: str = Field(description="Release line id or name.")
    status: BackportStatus
    fixed_version: str = ""
    fix_links: list[str] = Field(default_factory=list, description="Commit, pull request or release URLs.")
    workaround: str = ""
    decision: str = Field("", description="Why an unknown/affected line may stay so (e.g. no backport).")


class EnsureOut(Schema):
    created: int
    items: list[BackportOut]


# --- history, levels, labels -----------------------------------------------------------------------------------


class HistoryOut(Schema):
    seq: int
    action: str
    actor: str = Field(description="The actor's email at the time, or 'reporter'.")
    at: datetime
    data_fields: list[str] = Field(description="Names of the fields the audit event records.")
    fields: list[str] = Field(description="For edits: the issue fields that changed.")


class HistoryPage(Schema):
    items: list[HistoryOut]
    next_cursor: str | None


class LevelOut(Schema):
    id: UUID
    name: str
    description: str
    rank: int
    roles: list[str]
    include_component_team: bool
    include_trusted_installations: bool
    teams: list[Ref]
    users: list[UserRef]
    last_reviewed_at: datetime | None
    last_reviewed_by: UserRef | None


class LevelPage(Schema):
    items: list[LevelOut]
    next_cursor: str | None


class LabelOut(Schema):
    id: UUID
    name: str
    description: str


class LabelPage(Schema):
    items: list[LabelOut]
    next_cursor: str | None
