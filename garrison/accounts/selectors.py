from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.accounts.models import ApiToken, User, UserSession


def users_visible_to(*, actor: Any, search: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    if not can(actor, Permission.USER_VIEW):
        return User.objects.none()
    qs = User.objects.all().order_by("email")
    if search:
        qs = qs.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def user_for(*, actor: Any, pk: Any) -> User:
    user = users_visible_to(actor=actor).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def tokens_of(*, actor: Any, user: User) -> QuerySet[ApiToken]:
    """A user's tokens: their own, or anyone's for those who may view users."""
    if not (getattr(actor, "pk", None) == user.pk or can(actor, Permission.USER_VIEW)):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_of(*, actor: Any, pk: Any) -> ApiToken:
    """One of the actor's own tokens (404 for anyone else's)."""
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    token = ApiToken.objects.filter(pk=pk, user_id=actor.pk).first()
    if token is None:
        raise Http404
    return token


def sessions_of(*, actor: Any, user: User) -> QuerySet[UserSession]:
    if not (getattr(actor, "pk", None) == user.pk or can(actor, Permission.USER_VIEW)):
        return UserSession.objects.none()
    return UserSession.objects.filter(user=user).order_by("-created_at")
