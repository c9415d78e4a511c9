"""Scans, findings and the decisions that outlive re-scans. See docs/adr/0006-finding-identity.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from garrison.core.models import BaseModel


class Kind(models.TextChoices):
    DEPENDENCY = "dependency", "Vulnerable dependency"
    CODE = "code", "Code or configuration"
    SECRET = "secret", "Secret"
    DAST = "dast", "Running application"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    INFO = "info", "Info"
    UNKNOWN = "unknown", "Unknown"


SEVERITY_RANK = {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1, "unknown": 0}


def target_key(component_id: object, release_line_id: object | None, service: str) -> str:
    """One string per target (component, optional release line, optional service/image), for unique keys."""
    return f"{component_id}:{release_line_id or '-'}:{service}"


class Target(BaseModel):
    """Fields shared by everything that belongs to one scanned target."""

    component = models.ForeignKey("org.Component", on_delete=models.PROTECT, related_name="+")
    release_line = models.ForeignKey(
        "org.ReleaseLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.CharField(max_length=200, blank=True, help_text="Service, image or deployment, if any.")
    target_key = models.CharField(max_length=320, db_index=True)

    class Meta:
        abstract = True


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Scan(Target):
    format = models.CharField(max_length=40)
    tool = models.CharField(max_length=100, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.BigIntegerField(default=0)
    upload = models.FileField(upload_to="scans/", blank=True, help_text="Kept only until the worker imports it.")
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    error = models.TextField(blank=True)
    total = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    mitigated = models.PositiveIntegerField(default=0)
    regressed = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0)
    components = models.PositiveIntegerField(default=0, help_text="SBOM inventory entries.")
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_key", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.format} scan {self.pk}"


class FindingState(models.TextChoices):
    ACTIVE = "active", "Active"
    MITIGATED = "mitigated", "Mitigated (no longer reported)"


class Finding(Target):
    # Every index costs every import a write per row, so Finding keeps only those its queries use: no lone index
    # on component or target_key (the composite and unique indexes start with them), none on the scan links
    # (scans are never deleted), and plain indexes without the LIKE-pattern twins of db_index=True.
    component = models.ForeignKey("org.Component", on_delete=models.PROTECT, related_name="+", db_index=False)
    target_key = models.CharField(max_length=320)
    fingerprint = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=500)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.UNKNOWN)
    vulnerability_id = models.CharField(max_length=120, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    cvss_v3_vector = models.CharField(max_length=200, blank=True)
    cvss_v3_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    cvss_v4_vector = models.CharField(max_length=300, blank=True)
    cvss_v4_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    cwes = models.JSONField(default=list, blank=True)
    package_name = models.CharField(max_length=300, blank=True)
    package_key = models.CharField(max_length=500, blank=True, help_text="purl without version")
    installed_version = models.CharField(max_length=200, blank=True)
    fixed_version = models.CharField(max_length=200, blank=True)
    file_path = models.CharField(max_length=1000, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    rule_id = models.CharField(max_length=300, blank=True)
    endpoint = models.CharField(max_length=2000, blank=True)
    parameter = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    references = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=FindingState.choices, default=FindingState.ACTIVE)
    is_regression = models.BooleanField(default=False)
    # No database constraint on the scan links: checking 100,000 of them cost an import a second at commit;
    # scans are never deleted, and the ORM still refuses to (PROTECT). See ADR 0006.
    first_seen_scan = models.ForeignKey(
        Scan, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    last_seen_scan = models.ForeignKey(
        Scan, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    mitigated_by_scan = models.ForeignKey(
        Scan, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    mitigated_at = models.DateTimeField(null=True, blank=True)
    decision_key = models.CharField(max_length=600, help_text="What a triage decision about this finding is keyed on.")
    decision = models.ForeignKey(
        "TriageDecision", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    suppressed_by = models.ForeignKey(
        "Suppression", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    # The scanners that reported it (two scanners, one finding), sorted. A column, not a table of sources: a row
    # per finding and tool doubled what an import writes.
    tools = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["target_key", "fingerprint"], name="finding_unique_per_target")]
        indexes = [
            models.Index(fields=["component", "state", "severity"]),
            models.Index(fields=["component", "decision_key"]),
            models.Index(fields=["vulnerability_id"], name="finding_vulnerability_id"),
            models.Index(fields=["package_key"], name="finding_package_key"),
        ]

    def __str__(self) -> str:
        return self.title


class DecisionState(models.TextChoices):
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    AFFECTED = "affected", "Affected"
    NOT_AFFECTED = "not_affected", "Not affected"
    FALSE_POSITIVE = "false_positive", "False positive"
    RISK_ACCEPTED = "risk_accepted", "Risk accepted"


class Justification(models.TextChoices):
    """The CSAF / OpenVEX justifications (docs/adr/0004-status-vocabulary.md)."""

    COMPONENT_NOT_PRESENT = "component_not_present", "Component not present"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present", "Vulnerable code not present"
    NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path", "Vulnerable code not in execute path"
    CANNOT_BE_CONTROLLED = "vulnerable_code_cannot_be_controlled_by_adversary", "Cannot be controlled by an adversary"
    INLINE_MITIGATIONS = "inline_mitigations_already_exist", "Inline mitigations already exist"


class TriageDecision(BaseModel):
    """A decision about (vulnerability, package) — or a code/secret/DAST fingerprint — in one component.

    It covers every version, release line and future scan of that component. Risk acceptance is a decision with
    an approver and an expiry; when it expires, the worker reopens it (state back to affected) and tells the owner.
    """

    component = models.ForeignKey("org.Component", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=600)
    state = models.CharField(max_length=30, choices=DecisionState.choices)
    justification = models.CharField(max_length=60, choices=Justification.choices, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["component", "key"], name="triage_decision_unique")]

    def __str__(self) -> str:
        return f"{self.state}: {self.key}"


class Suppression(BaseModel):
    """A rule that hides matching findings ("whitelist the false positives"), with a reason, approver and expiry.

    Empty match fields match anything; at least one must be set. No component and no release line: everywhere.
    """

    vulnerability_id = models.CharField(max_length=120, blank=True)
    purl_pattern = models.CharField(max_length=500, blank=True, help_text="glob on the versionless purl")
    path_glob = models.CharField(max_length=1000, blank=True)
    rule_id = models.CharField(max_length=300, blank=True)
    component = models.ForeignKey("org.Component", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    release_line = models.ForeignKey(
        "org.ReleaseLine", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"suppression {self.pk}"


class InventoryComponent(Target):
    """A package that an SBOM says the component ships."""

    name = models.CharField(max_length=300)
    version = models.CharField(max_length=200, blank=True)
    purl = models.CharField(max_length=600, blank=True)
    type = models.CharField(max_length=40, blank=True)
    licenses = models.JSONField(default=list, blank=True)
    supplier = models.CharField(max_length=300, blank=True)
    identity = models.CharField(max_length=600, help_text="purl, or name@version when there is no purl")
    last_seen_scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["name", "version"]
        constraints = [models.UniqueConstraint(fields=["target_key", "identity"], name="inventory_unique_per_target")]

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"
