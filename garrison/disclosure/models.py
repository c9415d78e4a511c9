"""Advisories: what we tell the world about one or more fixed security issues, and to whom we tell it first."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from garrison.core.models import BaseModel
from garrison.disclosure.status import Justification, ProductStatus


class DisclosureLevel(models.TextChoices):
    PRIVATE = "private", "Private (security team)"
    TRUSTED = "trusted", "Trusted (pre-notified distribution lists)"
    PUBLIC = "public", "Public"


class Advisory(BaseModel):
    identifier = models.CharField(max_length=40, unique=True, help_text="e.g. GARRISON-2026-0001")
    cve_id = models.CharField(max_length=20, blank=True)
    ghsa_id = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, blank=True)
    cvss_v3_vector = models.CharField(max_length=200, blank=True)
    cvss_v3_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    cvss_v4_vector = models.CharField(max_length=300, blank=True)
    cvss_v4_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    cwe_ids = models.JSONField(default=list, blank=True, help_text="CWE numbers, e.g. [79, 89].")
    workarounds = models.TextField(blank=True)
    references = models.JSONField(default=list, blank=True, help_text="[{'url': ..., 'type': 'fix'|'report'|...}]")
    issues = models.ManyToManyField("issues.SecurityIssue", related_name="advisories")
    level = models.CharField(max_length=10, choices=DisclosureLevel.choices, default=DisclosureLevel.PRIVATE)
    embargo_ends_at = models.DateTimeField(null=True, blank=True, help_text="UTC.")
    pre_notified_at = models.DateTimeField(null=True, blank=True)
    embargo_reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the leads were told it ended.")
    published_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    third_party = models.BooleanField(default=False, help_text="Imported from someone else's advisory.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.identifier


class AdvisoryProduct(BaseModel):
    """A product (component, optionally on one release line) and its status for this advisory."""

    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE, related_name="products")
    component = models.ForeignKey("org.Component", on_delete=models.PROTECT, related_name="+")
    release_line = models.ForeignKey("org.ReleaseLine", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in ProductStatus])
    justification = models.CharField(max_length=60, blank=True, choices=[(j.value, j.value) for j in Justification])
    affected_versions = models.CharField(
        max_length=200, blank=True, help_text="A range: '>=1.0.0, <1.4.2' or a list '1.2.0, 1.2.1'."
    )
    introduced_version = models.CharField(max_length=64, blank=True)
    fixed_version = models.CharField(max_length=64, blank=True)
    impact = models.TextField(blank=True, help_text="For not affected: how; for affected: the action to take.")

    class Meta:
        ordering = ["component__name", "release_line__name"]
        constraints = [
            models.UniqueConstraint(fields=["advisory", "component", "release_line"], name="advisory_product_unique")
        ]

    def __str__(self) -> str:
        return f"{self.component_id}/{self.release_line_id}: {self.status}"


class CreditType(models.TextChoices):
    """The CSAF 2.0 / CVE 5 credit roles."""

    FINDER = "finder", "Finder"
    REPORTER = "reporter", "Reporter"
    ANALYST = "analyst", "Analyst"
    COORDINATOR = "coordinator", "Coordinator"
    REMEDIATION_DEVELOPER = "remediation_developer", "Remediation developer"
    REMEDIATION_REVIEWER = "remediation_reviewer", "Remediation reviewer"
    REMEDIATION_VERIFIER = "remediation_verifier", "Remediation verifier"
    TOOL = "tool", "Tool"
    SPONSOR = "sponsor", "Sponsor"
    OTHER = "other", "Other"


class CreditConsent(models.TextChoices):
    PENDING = "pending", "Waiting for the reporter"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NOT_NEEDED = "not_needed", "Not needed"


class Credit(BaseModel):
    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE, related_name="credits")
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150, blank=True)
    type = models.CharField(max_length=30, choices=CreditType.choices, default=CreditType.FINDER)
    consent = models.CharField(max_length=12, choices=CreditConsent.choices, default=CreditConsent.NOT_NEEDED)
    issue = models.ForeignKey(
        "issues.SecurityIssue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class Revision(BaseModel):
    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    summary = models.CharField(max_length=300)
    date = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["advisory", "number"], name="revision_unique")]

    def __str__(self) -> str:
        return f"{self.advisory_id} r{self.number}"


from garrison.disclosure.models_lists import DistributionList, PreNotification, Recipient  # noqa: E402,F401
