"""Base classes every domain model builds on."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID primary key (no guessable ids in URLs) and UTC creation/update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ClassifiedModel(BaseModel):
    """A record that can carry an information-classification label (security policy: Public ... Secret).

    No label means the record is visible to whoever holds the view permission for its type; a label narrows that
    further to the roles, teams and users the label names. Selectors apply it through
    `garrison.access.classification.visible_q`.
    """

    classification = models.ForeignKey(
        "access.ClassificationLabel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """A fixed-window counter shared by every process (sign-in throttling, public form rate limits)."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key
