"""Creating the first administrator from the command line (`garrison createadmin`), before anyone can sign in.

There is no signed-in actor to check permissions against: whoever runs the command holds the server. The audit
event names "cli" as its actor. Two-factor enrolment is forced at first sign-in by MfaEnforcementMiddleware.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from garrison.access.roles import Role
from garrison.accounts.models import User
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction


def active_admin_exists() -> bool:
    return User.objects.filter(role=Role.ADMIN, is_active=True).exists()


@transaction.atomic
def user_create_initial_admin(*, email: str, password: str, one_time: bool = False) -> User:
    """Create an active administrator. Raises ValidationError (field ``email`` or ``password``) with every reason
    when the email is malformed or taken, or the password fails the configured validators.

    ``one_time``: the password was generated and shown once, so it must be replaced at first sign-in.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"{email!r} is not a valid email address"}) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"a user with the email {email} already exists"})
    try:
        validate_password(password, user=User(email=email, role=Role.ADMIN))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user = User.objects.create_user(email=email, password=password, role=Role.ADMIN, password_change_required=one_time)
    audit.record(
        action=AuditAction.USER_CREATED,
        actor=None,
        actor_label="cli",
        target=user,
        data={"email": email, "role": str(Role.ADMIN), "one_time_password": one_time},
    )
    return user
