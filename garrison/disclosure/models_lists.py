"""Distribution lists: who is told about an advisory before it is public (pre-notification under embargo), in
their own time zone and, when they gave an OpenPGP key, encrypted to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from garrison.core.models import BaseModel


class DistributionList(BaseModel):
    """A list of recipients. ``components``: the products it subscribes to (none: every advisory). ``clients``:
    organisations whose contacts (garrison.org ClientContact) also receive what the list receives."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    components = models.ManyToManyField("org.Component", blank=True, related_name="distribution_lists")
    clients = models.ManyToManyField("org.Client", blank=True, related_name="distribution_lists")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Recipient(BaseModel):
    """One person on a list. ``pgp_fingerprint`` is computed from ``pgp_public_key`` by the service on save."""

    distribution_list = models.ForeignKey(DistributionList, on_delete=models.CASCADE, related_name="recipients")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    client = models.ForeignKey("org.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Asia/Tokyo.")
    pgp_public_key = models.TextField(blank=True, help_text="ASCII-armoured OpenPGP public key.")
    pgp_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["distribution_list", "email"], name="recipient_unique_per_list")]

    def __str__(self) -> str:
        return self.email


class PreNotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"


class PreNotification(BaseModel):
    """One pre-notification of one advisory to one address, and the notify Delivery that carries it (none when it
    could not even be queued, e.g. encryption to the recipient's key failed: then nothing was sent)."""

    advisory = models.ForeignKey("disclosure.Advisory", on_delete=models.CASCADE, related_name="prenotifications")
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="prenotifications"
    )
    email = models.EmailField()
    time_zone = models.CharField(max_length=64, default="UTC")
    encrypted = models.BooleanField(default=False)
    delivery = models.ForeignKey("notify.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        max_length=10, choices=PreNotificationStatus.choices, default=PreNotificationStatus.QUEUED
    )
    error = models.CharField(max_length=300, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "email"]

    @property
    def current_status(self) -> str:
        """The delivery's status when there is one (queued, sent, retrying, failed), else this row's own."""
        return self.delivery.status if self.delivery is not None else self.status

    def __str__(self) -> str:
        return f"{self.advisory_id} -> {self.email}"
