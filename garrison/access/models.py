from __future__ import annotations

from django.conf import settings
from django.db import models

from garrison.access.roles import Role
from garrison.core.models import BaseModel


class ClassificationLabel(BaseModel):
    """An information-classification label from the security policy (Public, Confidential, Private, Secret).

    A labelled record is visible only to the roles, teams and users named here, on top of the permission for
    its type. A label that names nobody is visible to nobody: deny by default, and the administrator is not
    exempt (the policy: "never share secret information with anyone who is not explicitly authorised").
    """

    name = models.CharField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(help_text="Higher is more restricted.")
    description = models.TextField(blank=True)
    roles = models.JSONField(default=list, blank=True, help_text="Role names that may see labelled records.")
    teams = models.ManyToManyField("org.Team", blank=True, related_name="classification_labels")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="classification_labels")

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = sorted(set(self.roles) - set(Role.values))
        if unknown:
            raise ValidationError({"roles": f"unknown roles: {', '.join(unknown)}"})
