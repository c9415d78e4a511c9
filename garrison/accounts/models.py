from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from garrison.access.roles import MFA_REQUIRED_ROLES, STAFF_ROLES, Role
from garrison.core.models import BaseModel


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        """Low-level constructor for tests and migrations; the application uses accounts.services.user_create."""
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, BaseModel):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.NONE)
    is_active = models.BooleanField(default=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Two-factor: the TOTP secret is sealed with the key ring (core/crypto.py); None until enrolment starts.
    totp_secret_sealed = models.TextField(blank=True, default="")
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0, help_text="Last accepted TOTP time step (no replays).")
    password_change_required = models.BooleanField(default=False)

    # Set per request by API token authentication; narrows the role's permissions (access.policy).
    token_scopes: frozenset[str] | None = None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def mfa_enabled(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def mfa_required(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class RecoveryCode(BaseModel):
    """A single-use two-factor recovery code, stored as a SHA-256 hash (codes are long and random)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_per_user")]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


class ApiToken(BaseModel):
    """A bearer token: shown once as ``gar_<prefix>_<secret>``, stored as SHA-256 of the whole token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, help_text="Permissions the token may use (within the user's role).")
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class UserSession(BaseModel):
    """Which session belongs to whom, so deactivation and "sign out everywhere" end them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"session of {self.user_id}"
