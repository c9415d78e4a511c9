from __future__ import annotations

from django.conf import settings
from django.db import models

from garrison.core import clock
from garrison.core.models import BaseModel, ClassifiedModel


class Team(ClassifiedModel):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(BaseModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


class SupportStatus(models.TextChoices):
    SUPPORTED = "supported", "Supported"
    DEPRECATED = "deprecated", "Deprecated"
    UNSUPPORTED = "unsupported", "Unsupported"
    ARCHIVED = "archived", "Archived"


class Component(ClassifiedModel):
    """A module or application we ship. It always has a responsible team (NOT NULL, PROTECT)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    repository_url = models.URLField(blank=True, max_length=500)
    package_url = models.CharField(max_length=500, blank=True, help_text="purl without version, e.g. pkg:pypi/django")
    support_status = models.CharField(max_length=20, choices=SupportStatus.choices, default=SupportStatus.SUPPORTED)
    responsible_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="components")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Client(ClassifiedModel):
    """An installation or customer that runs our components (pre-notification goes to them)."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    components = models.ManyToManyField(Component, blank=True, related_name="clients")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientContact(BaseModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    role = models.CharField(max_length=100, blank=True, help_text="e.g. security contact, operations")

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["client", "email"], name="client_contact_unique")]

    def __str__(self) -> str:
        return self.email


class ReleaseLineStatus(models.TextChoices):
    SUPPORTED = "supported", "Supported"
    UNSUPPORTED = "unsupported", "Unsupported"


class ReleaseLine(ClassifiedModel):
    """A named line of releases (e.g. "Quesnelia") that receives backports while supported."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ReleaseLineStatus.choices, default=ReleaseLineStatus.SUPPORTED)
    support_ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def support_ended(self) -> bool:
        """Unsupported, or past its announced end of support (whatever the status still says)."""
        if self.status == ReleaseLineStatus.UNSUPPORTED:
            return True
        return self.support_ends_on is not None and self.support_ends_on < clock.now().date()


class Release(BaseModel):
    release_line = models.ForeignKey(ReleaseLine, on_delete=models.PROTECT, related_name="releases")
    version = models.CharField(max_length=64)
    released_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["release_line__name", "-released_on", "version"]
        constraints = [models.UniqueConstraint(fields=["release_line", "version"], name="release_unique_version")]

    def __str__(self) -> str:
        return f"{self.release_line.name} {self.version}"
