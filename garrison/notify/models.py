"""Notifications: deliveries (email, webhook, pager) with a log and retries, in-app notifications, the on-call
rota (shifts and overrides) and pages with their escalation.

Nothing here holds embargoed text: subjects and bodies name an issue by its key and link only. A delivery to a
reporter is ``sealed``: its recipient address and body (which carries their private tracking link) are encrypted
with the key ring, like the reporter's contact details on the issue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from garrison.core.models import BaseModel


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"
    PAGE = "page", "Pager"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    RETRYING = "retrying", "Retrying"
    CANCELLED = "cancelled", "Cancelled"
    BOUNCED = "bounced", "Bounced"


class Delivery(BaseModel):
    """One message to one recipient, and what became of it. ``next_attempt_at``: when the scheduler (re)sends it
    if it is still queued or retrying (for a queued one this is a lease: the worker normally sends it at once)."""

    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    recipient = models.TextField(help_text="Email address or URL (sealed ciphertext when ``sealed``).")
    recipient_label = models.CharField(max_length=200, blank=True, help_text="Shown instead of a sealed recipient.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True, help_text="Webhook / pager JSON body (no secrets).")
    reply_to = models.CharField(max_length=254, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    sealed = models.BooleanField(default=False)
    issue = models.ForeignKey(
        "issues.SecurityIssue", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} delivery {self.pk}"

    @property
    def recipient_display(self) -> str:
        return self.recipient_label if self.sealed else self.recipient


class Notification(BaseModel):
    """An in-app notification for one user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text


class OnCallShift(BaseModel):
    """A user on duty from ``starts_at`` to ``ends_at`` (end excluded). ``position``: escalation order among
    overlapping shifts (0 = paged first)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "position", "created_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="shift_window")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends")]

    def __str__(self) -> str:
        return f"shift {self.pk}"


class OnCallOverride(BaseModel):
    """``user`` takes the first place on duty (replacing the primary shift) between ``starts_at`` and ``ends_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_overrides")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="override_ends")
        ]

    def __str__(self) -> str:
        return f"override {self.pk}"


class Page(BaseModel):
    """One page of one person for a top-priority issue. ``escalate_at``: when the next person is paged unless
    someone acknowledged (None once nothing is pending: acknowledged, escalated or the issue's pages closed)."""

    issue = models.ForeignKey("issues.SecurityIssue", on_delete=models.CASCADE, related_name="pages")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="pages")
    level = models.PositiveSmallIntegerField(default=0, help_text="Escalation step: 0 = first person paged.")
    sent_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["escalate_at"], name="page_escalate_at")]

    def __str__(self) -> str:
        return f"page {self.pk}"


class SchedulerState(models.Model):
    """One row: what the scheduler last did that must happen only once (the daily digest), shared by every
    scheduler process (claimed with a conditional UPDATE under a row lock)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_digest_on = models.DateField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"scheduler state (digest {self.last_digest_on})"
