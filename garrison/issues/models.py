"""Security issues: a private report, its triage, its embargo (security level) and its fix on every release line.

Reporter-supplied text is hostile: it is stored as given and sanitised when rendered. Reporter contact details and
attachments are sealed with the key ring (garrison.core.crypto); the key id travels with each ciphertext.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from garrison.core.models import BaseModel


class SecurityLevel(BaseModel):
    """Who may see an embargoed issue: the security team, plus the roles, teams and users named here, plus (when
    ``include_component_team``) the members of the issue's responsible team. A level that names nobody means the
    security team only, never everyone. ``rank``: lower is more restrictive; new issues get the lowest."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    rank = models.PositiveIntegerField(default=100, help_text="Lower is more restrictive; new issues get the lowest.")
    roles = models.JSONField(default=list, blank=True, help_text="Role values admitted, e.g. ['developer'].")
    teams = models.ManyToManyField("org.Team", blank=True, related_name="security_levels")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="security_levels")
    include_component_team = models.BooleanField(default=False)
    include_trusted_installations = models.BooleanField(
        default=False, help_text="Pre-notified installations may be told (disclosure); no sign-in access."
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class LevelReview(BaseModel):
    """One access review of a security level: who looked, when, and the membership they saw."""

    level = models.ForeignKey(SecurityLevel, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    members = models.JSONField(default=dict, help_text="Snapshot: roles, team names, user emails at review time.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"review of {self.level_id}"


class IssueStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGE = "triage", "In triage"
    CONFIRMED = "confirmed", "Confirmed"
    FIXING = "fixing", "Fixing"
    FIXED = "fixed", "Fixed"
    DISCLOSED = "disclosed", "Disclosed"
    CLOSED = "closed", "Closed"


class CloseReason(models.TextChoices):
    NOT_VULNERABILITY = "not_vulnerability", "Not a vulnerability"
    DUPLICATE = "duplicate", "Duplicate of another issue"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"
    WONT_FIX = "wont_fix", "Won't fix"


class IssueSeverity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    NONE = "none", "None"
    UNKNOWN = "unknown", "Not scored"


class Priority(models.TextChoices):
    P1 = "p1", "P1 (top)"
    P2 = "p2", "P2"
    P3 = "p3", "P3"
    P4 = "p4", "P4"


class Channel(models.TextChoices):
    FORM = "form", "Web form"
    EMAIL = "email", "Email"
    API = "api", "API"
    INTERNAL = "internal", "Filed by staff"
    FINDING = "finding", "Promoted finding"


class Exposure(models.TextChoices):
    UNKNOWN = "", "Don't know"
    NO = "no", "Not public"
    PUBLIC = "public", "Already public"
    EXPLOITED = "exploited", "Exploited in the wild"


class Answer(models.TextChoices):
    """An investigation-checklist answer; "" is still unanswered."""

    UNANSWERED = "", "Unanswered"
    YES = "yes", "Yes"
    NO = "no", "No"


class Scope(models.TextChoices):
    UNANSWERED = "", "Unanswered"
    ONE_APP = "one_app", "One application"
    WHOLE_SYSTEM = "whole_system", "The whole system"


class Layer(models.TextChoices):
    UNANSWERED = "", "Unanswered"
    FRONTEND = "frontend", "Frontend"
    BACKEND = "backend", "Backend"
    BOTH = "both", "Frontend and backend"


class Area(models.TextChoices):
    UNANSWERED = "", "Unanswered"
    HOSTING = "hosting", "Hosting / infrastructure"
    SOFTWARE = "software", "The software"
    BOTH = "both", "Both"


class IssueLabel(BaseModel):
    """A free label, e.g. ``security-preparedness`` for preventive dependency-upgrade work."""

    name = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IssueCounter(models.Model):
    """One row: the last issue number handed out (locked while numbering, so numbers are gap-free and unique)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"SEC-{self.last_number}"


class SecurityIssue(BaseModel):
    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    steps_to_reproduce = models.TextField(blank=True)
    impact = models.TextField(blank=True)
    affected_versions = models.CharField(max_length=500, blank=True)
    component = models.ForeignKey(
        "org.Component", null=True, blank=True, on_delete=models.PROTECT, related_name="security_issues"
    )
    component_text = models.CharField(max_length=200, blank=True, help_text="What the reporter wrote, if no match.")
    responsible_team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="security_issues"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_issues"
    )
    due_on = models.DateField(null=True, blank=True, help_text="The owner's due date.")
    security_level = models.ForeignKey(SecurityLevel, on_delete=models.PROTECT, related_name="issues")
    is_public = models.BooleanField(default=False, help_text="Third-party and already public: no embargo.")
    labels = models.ManyToManyField(IssueLabel, blank=True, related_name="issues")
    findings = models.ManyToManyField("findings.Finding", blank=True, related_name="security_issues")

    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.NEW)
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    cvss_vector = models.CharField(max_length=200, blank=True)
    cvss_version = models.CharField(max_length=5, blank=True)
    cvss_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    reported_cvss_vector = models.CharField(max_length=200, blank=True, help_text="As the reporter gave it.")
    severity = models.CharField(max_length=10, choices=IssueSeverity.choices, default=IssueSeverity.UNKNOWN)
    priority = models.CharField(max_length=2, choices=Priority.choices, blank=True)

    exposure = models.CharField(max_length=10, choices=Exposure.choices, blank=True)
    exposure_links = models.TextField(blank=True)

    # Intake and reporter (contact details sealed; "" when anonymous).
    channel = models.CharField(max_length=10, choices=Channel.choices)
    reporter_name_sealed = models.TextField(blank=True)
    reporter_email_sealed = models.TextField(blank=True)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reported_issues"
    )
    credit_name = models.CharField(max_length=150, blank=True, help_text="Name to credit; empty: no credit.")
    consent_to_share = models.BooleanField(default=False)
    tracking_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    tracking_token_sealed = models.TextField(blank=True, help_text="So the link can be mailed to the reporter again.")
    reply_key = models.CharField(max_length=32, unique=True, help_text="Threads email replies: security+KEY@...")

    # SLA clock
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    fixed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    ack_due_at = models.DateTimeField(null=True, blank=True)
    triage_due_at = models.DateTimeField(null=True, blank=True)
    fix_due_at = models.DateTimeField(null=True, blank=True)

    # Investigation checklist ("" = unanswered)
    scope = models.CharField(max_length=20, choices=Scope.choices, blank=True)
    layer = models.CharField(max_length=20, choices=Layer.choices, blank=True)
    area = models.CharField(max_length=20, choices=Area.choices, blank=True)
    personal_data = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    privilege_escalation = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    workaround_available = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    workaround = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["security_level", "-number"], name="issue_level_number"),
            models.Index(fields=["status", "-number"], name="issue_status_number"),
            models.Index(fields=["responsible_team", "-number"], name="issue_team_number"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(close_reason=""), name="issue_closed_has_reason"
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return f"SEC-{self.number}"


class CommentVisibility(models.TextChoices):
    INTERNAL = "internal", "Internal (team)"
    REPORTER = "reporter", "For the reporter"


class IssueComment(BaseModel):
    issue = models.ForeignKey(SecurityIssue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    from_reporter = models.BooleanField(default=False)
    visibility = models.CharField(max_length=10, choices=CommentVisibility.choices, default=CommentVisibility.INTERNAL)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.INTERNAL)
    body = models.TextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"comment on {self.issue_id}"


class IssueAttachment(BaseModel):
    """A file, sealed (AES-256-GCM) in the database row: stored all-or-nothing with the issue or comment."""

    issue = models.ForeignKey(SecurityIssue, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        IssueComment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    from_reporter = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    key_id = models.CharField(max_length=20)
    sealed = models.BinaryField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.filename


class IssueMessage(BaseModel):
    """A Message-ID seen or sent for an issue, so email replies (In-Reply-To / References) thread to it."""

    issue = models.ForeignKey(SecurityIssue, on_delete=models.CASCADE, related_name="messages")
    message_id = models.CharField(max_length=500, unique=True)
    inbound = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.message_id


class BackportStatus(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    AFFECTED = "affected", "Affected"
    NOT_AFFECTED = "not_affected", "Not affected"
    FIX_IN_PROGRESS = "fix_in_progress", "Fix in progress"
    FIXED = "fixed", "Fixed"


class BackportEntry(BaseModel):
    """One cell of an issue's backport matrix: a component on a release line."""

    issue = models.ForeignKey(SecurityIssue, on_delete=models.CASCADE, related_name="backports")
    component = models.ForeignKey("org.Component", on_delete=models.PROTECT, related_name="+")
    release_line = models.ForeignKey("org.ReleaseLine", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=BackportStatus.choices, default=BackportStatus.UNKNOWN)
    fixed_version = models.CharField(max_length=64, blank=True)
    fix_links = models.TextField(blank=True, help_text="Commit, pull request or release URLs, one per line.")
    workaround = models.TextField(blank=True)
    decision = models.TextField(
        blank=True, help_text="Why an unknown/affected line may stay so when the issue is fixed (e.g. no backport)."
    )

    class Meta:
        ordering = ["component__name", "release_line__name"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "component", "release_line"], name="backport_cell_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="fixed") | ~models.Q(fixed_version=""), name="backport_fixed_has_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.component_id}/{self.release_line_id}"


class SavedFilter(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="issue_filters")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, help_text="The list's query string.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique")]

    def __str__(self) -> str:
        return self.name


class DeadLetterStatus(models.TextChoices):
    PENDING = "pending", "Waiting for retry"
    RETRIED = "retried", "Retried: stored"
    DISCARDED = "discarded", "Discarded"


class DeadLetter(BaseModel):
    """An intake that could not be parsed or stored: kept raw (sealed) so an admin can retry it. Never lost."""

    source = models.CharField(max_length=10, choices=Channel.choices)
    key_id = models.CharField(max_length=20)
    sealed = models.BinaryField()
    size = models.PositiveBigIntegerField()
    error = models.TextField()
    status = models.CharField(max_length=10, choices=DeadLetterStatus.choices, default=DeadLetterStatus.PENDING)
    attempts = models.PositiveIntegerField(default=1)
    issue = models.ForeignKey(SecurityIssue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"dead letter {self.pk}"
