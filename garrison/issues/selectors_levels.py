"""Reads behind the security-level pages and their access review: who each level admits, and past reviews.

A level admits the security team, the roles it names, the users it names and the members of the teams it names
(plus, with ``include_component_team``, each issue's responsible team: that part depends on the issue and is shown
as a note, not as people). Like ``who_can_see``, only active users whose role can see embargoed issues count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, QuerySet

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.access.roles import ROLE_PERMISSIONS, SECURITY_TEAM_ROLES, Role
from garrison.core import clock
from garrison.issues.models import LevelReview, SecurityLevel
from garrison.issues.selectors import levels_visible_to

REVIEW_EVERY = timedelta(days=90)


def _reader_roles() -> frozenset[str]:
    need = {Permission.ISSUE_VIEW, Permission.ISSUE_EMBARGOED_VIEW}
    return frozenset(str(role) for role, perms in ROLE_PERMISSIONS.items() if need <= perms)


def levels_overview(*, actor: Any) -> QuerySet[SecurityLevel]:
    """The levels the actor may see; with LEVEL_MANAGE each row also carries ``issue_count`` (every issue at the
    level, whoever may see it: a number, never a name)."""
    qs = levels_visible_to(actor=actor)
    if can(actor, Permission.LEVEL_MANAGE):
        qs = qs.annotate(issue_count=Count("issues", distinct=True))
    return qs


def review_due(level: SecurityLevel) -> bool:
    return level.last_reviewed_at is None or level.last_reviewed_at < clock.now() - REVIEW_EVERY


def visible_team_ids(*, actor: Any) -> frozenset[Any]:
    """Teams whose names the actor may read (a level may name a team whose label hides it from them)."""
    from garrison.org.selectors import teams_visible_to

    return frozenset(teams_visible_to(actor=actor).order_by().values_list("pk", flat=True))


@dataclass
class LevelMember:
    user: Any
    reasons: list[str] = field(default_factory=list)


@dataclass
class LevelMembership:
    """One level's people as the review page shows them."""

    level: SecurityLevel
    roles: list[str]
    teams: list[str]
    hidden_teams: int
    users: list[Any]
    members: list[LevelMember]
    review_due: bool


def level_memberships(*, actor: Any, levels: list[SecurityLevel]) -> list[LevelMembership]:
    """Every level's named members and the users it admits, for ``levels`` from ``levels_visible_to`` (their teams
    and users prefetched). Three queries in all, whatever the number of levels."""
    if not can(actor, Permission.LEVEL_VIEW):
        return []
    from garrison.accounts.models import User
    from garrison.org.models import TeamMembership

    readers = _reader_roles()
    role_names = dict(Role.choices)
    named_roles = set(SECURITY_TEAM_ROLES).union(*(set(level.roles or []) for level in levels))
    by_role: dict[str, list[Any]] = {}
    for user in User.objects.filter(is_active=True, role__in=named_roles & readers).order_by("email"):
        by_role.setdefault(user.role, []).append(user)
    team_ids = {team.pk for level in levels for team in level.teams.all()}
    by_team: dict[Any, list[Any]] = {}
    memberships = TeamMembership.objects.filter(team_id__in=team_ids, user__is_active=True, user__role__in=readers)
    for membership in memberships.select_related("user"):
        by_team.setdefault(membership.team_id, []).append(membership.user)
    can_read_team = visible_team_ids(actor=actor)

    out = []
    for level in levels:
        members: dict[Any, LevelMember] = {}

        def admit(user: Any, reason: str, members: dict[Any, LevelMember] = members) -> None:
            members.setdefault(user.pk, LevelMember(user)).reasons.append(reason)

        for role in sorted(SECURITY_TEAM_ROLES):
            for user in by_role.get(role, []):
                admit(user, "security team")
        for role in level.roles or []:
            if role not in SECURITY_TEAM_ROLES:
                for user in by_role.get(role, []):
                    admit(user, f"role: {role_names.get(role, role)}")
        for user in level.users.all():
            if user.is_active and user.role in readers:
                admit(user, "named")
        teams = list(level.teams.all())
        for team in teams:
            label = f"team: {team.name}" if team.pk in can_read_team else "a team you cannot see"
            for user in by_team.get(team.pk, []):
                admit(user, label)
        out.append(
            LevelMembership(
                level=level,
                roles=[str(role_names.get(r, r)) for r in level.roles or []],
                teams=sorted(t.name for t in teams if t.pk in can_read_team),
                hidden_teams=sum(1 for t in teams if t.pk not in can_read_team),
                users=sorted((u for u in level.users.all()), key=lambda u: u.email),
                members=sorted(members.values(), key=lambda m: m.user.email),
                review_due=review_due(level),
            )
        )
    return out


def level_reviews_recent(*, actor: Any, limit: int = 20) -> QuerySet[LevelReview]:
    if not can(actor, Permission.LEVEL_VIEW):
        return LevelReview.objects.none()
    return LevelReview.objects.select_related("level", "reviewed_by").order_by("-created_at")[:limit]
