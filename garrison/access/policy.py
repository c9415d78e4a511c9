"""The one place that decides who may do what. Everything else asks `can()` or calls `require()`."""

from __future__ import annotations

from typing import Any

from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.roles import ROLE_PERMISSIONS, SCOPED, Role, Scope


def is_signed_in(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False))


def effective_permissions(actor: Any) -> frozenset[Permission]:
    """The role's permissions, narrowed by the scopes of the API token in use (if any)."""
    if not is_signed_in(actor):
        return frozenset()
    granted = ROLE_PERMISSIONS.get(actor.role, frozenset())
    token_scopes = getattr(actor, "token_scopes", None)
    if token_scopes is not None:
        granted = granted & frozenset(token_scopes)
    return granted


def _team_ids(actor: Any) -> set[Any]:
    cached = getattr(actor, "_garrison_team_ids", None)
    if cached is None:
        from garrison.org.models import TeamMembership

        cached = set(TeamMembership.objects.filter(user_id=actor.pk).values_list("team_id", flat=True))
        actor._garrison_team_ids = cached
    return cached


def team_ids_of(actor: Any) -> set[Any]:
    """Ids of the teams the actor is a member of (cached on the actor for the request)."""
    return _team_ids(actor) if is_signed_in(actor) else set()


def _scope_allows(actor: Any, scope: Scope, obj: Any) -> bool:
    if scope is Scope.RESPONSIBLE_TEAM_MEMBER:
        team_id = getattr(obj, "responsible_team_id", None)
        return team_id is not None and team_id in _team_ids(actor)
    return False


def can(actor: Any, permission: Permission, obj: Any = None) -> bool:
    """May ``actor`` use ``permission`` (on ``obj``, when given)? Fails closed on anything unexpected."""
    if permission not in effective_permissions(actor):
        return False
    scope = SCOPED.get((actor.role, permission))
    if scope is not None and obj is not None and not _scope_allows(actor, scope, obj):
        return False
    if obj is not None and getattr(obj, "classification_id", None) is not None:
        from garrison.access.classification import label_ids_visible_to

        if obj.classification_id not in label_ids_visible_to(actor):
            return False
    return True


def require(actor: Any, permission: Permission, obj: Any = None) -> None:
    if not can(actor, permission, obj):
        raise AccessDenied(permission)


def is_role(actor: Any, *roles: Role) -> bool:
    return is_signed_in(actor) and actor.role in roles
