"""Every read of the organisation model, already narrowed to what the actor may see.

No view permission for the type: no rows. Labelled records: only when the actor may see the label. Releases
carry no label of their own; they follow their release line.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from garrison.access.classification import visible_q
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.access.roles import STAFF_ROLES
from garrison.accounts.models import User
from garrison.org.models import Client, ClientContact, Component, Release, ReleaseLine, Team, TeamMembership


def _search(qs: QuerySet[Any], text: str, *fields: str) -> QuerySet[Any]:
    text = text.strip()
    if not text:
        return qs
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": text})
    return qs.filter(condition)


def teams_visible_to(*, actor: Any, search: str = "") -> QuerySet[Team]:
    if not can(actor, Permission.TEAM_VIEW):
        return Team.objects.none()
    qs = (
        Team.objects.filter(visible_q(actor))
        .select_related("lead", "classification")
        .prefetch_related(
            Prefetch("memberships", queryset=TeamMembership.objects.select_related("user").order_by("user__email"))
        )
        .annotate(component_count=Count("components", distinct=True))
        .order_by("name")
    )
    return _search(qs, search, "name", "description")


def _team_visible(actor: Any) -> Case:
    """Whether the actor may see a component's responsible team (its name is withheld when not)."""
    if not can(actor, Permission.TEAM_VIEW):
        return Case(default=Value(False), output_field=BooleanField())
    return Case(
        When(visible_q(actor, "responsible_team__classification"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def components_visible_to(
    *, actor: Any, search: str = "", team: Any = None, support_status: str = ""
) -> QuerySet[Component]:
    """Components the actor may see, optionally by responsible team (a Team or its id) and support status.

    Each row carries ``team_visible``: a component may be visible while its team is labelled away from the actor.
    """
    if not can(actor, Permission.COMPONENT_VIEW):
        return Component.objects.none()
    qs = (
        Component.objects.filter(visible_q(actor))
        .select_related("responsible_team", "classification")
        .annotate(team_visible=_team_visible(actor))
        .order_by("name")
    )
    if team is not None:
        qs = qs.filter(responsible_team_id=getattr(team, "pk", team))
    if support_status:
        qs = qs.filter(support_status=support_status)
    return _search(qs, search, "name", "description", "package_url")


def clients_visible_to(*, actor: Any, search: str = "") -> QuerySet[Client]:
    """Clients and their contacts are for the security team: developers hold no CLIENT_VIEW and see none."""
    if not can(actor, Permission.CLIENT_VIEW):
        return Client.objects.none()
    components = components_visible_to(actor=actor).order_by("name")
    qs = (
        Client.objects.filter(visible_q(actor))
        .select_related("classification")
        .prefetch_related(
            Prefetch("components", queryset=components),
            Prefetch("contacts", queryset=ClientContact.objects.order_by("email")),
        )
    )
    return _search(qs, search, "name", "description")


def release_lines_visible_to(*, actor: Any, search: str = "", status: str = "") -> QuerySet[ReleaseLine]:
    if not can(actor, Permission.RELEASE_VIEW):
        return ReleaseLine.objects.none()
    qs = (
        ReleaseLine.objects.filter(visible_q(actor))
        .select_related("classification")
        .annotate(release_count=Count("releases"))
        .order_by("name")
    )
    if status:
        qs = qs.filter(status=status)
    return _search(qs, search, "name", "description")


def releases_visible_to(*, actor: Any, release_line: Any = None) -> QuerySet[Release]:
    """Releases of the lines the actor may see, optionally of one line (a ReleaseLine or its id)."""
    if not can(actor, Permission.RELEASE_VIEW):
        return Release.objects.none()
    qs = (
        Release.objects.filter(visible_q(actor, "release_line__classification"))
        .select_related("release_line")
        .order_by("release_line__name", F("released_on").desc(nulls_first=True), "version")
    )
    if release_line is not None:
        qs = qs.filter(release_line_id=getattr(release_line, "pk", release_line))
    return qs


def _one(qs: QuerySet[Any], pk: Any) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404("not found")
    return obj


def get_team_for(*, actor: Any, pk: Any) -> Team:
    """One team the actor may see; Http404 when it does not exist or is hidden from them (same answer)."""
    return _one(teams_visible_to(actor=actor), pk)


def get_component_for(*, actor: Any, pk: Any) -> Component:
    return _one(components_visible_to(actor=actor), pk)


def get_client_for(*, actor: Any, pk: Any) -> Client:
    return _one(clients_visible_to(actor=actor), pk)


def get_release_line_for(*, actor: Any, pk: Any) -> ReleaseLine:
    return _one(release_lines_visible_to(actor=actor), pk)


def get_release_for(*, actor: Any, pk: Any) -> Release:
    return _one(releases_visible_to(actor=actor), pk)


def get_team_member_for(*, actor: Any, team: Team, user_pk: Any) -> User:
    """A member of ``team`` (which came from `get_team_for`); Http404 when not a member."""
    if not can(actor, Permission.TEAM_VIEW, team):
        raise Http404("not found")
    user = User.objects.filter(pk=user_pk, team_memberships__team=team).first()
    if user is None:
        raise Http404("not found")
    return user


def teams_assignable_to_components(*, actor: Any) -> QuerySet[Team]:
    """Teams the actor may make responsible for a component (for a developer: the teams they belong to)."""
    if not can(actor, Permission.COMPONENT_EDIT) or not can(actor, Permission.TEAM_VIEW):
        return Team.objects.none()
    teams = Team.objects.filter(visible_q(actor)).only("pk", "classification")
    allowed = [t.pk for t in teams if can(actor, Permission.COMPONENT_EDIT, Component(responsible_team_id=t.pk))]
    return Team.objects.filter(pk__in=allowed).order_by("name")


def team_member_candidates(*, actor: Any) -> QuerySet[User]:
    """Active staff users who may be made team members or leads (by someone allowed to edit teams)."""
    if not can(actor, Permission.TEAM_EDIT):
        return User.objects.none()
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("email")
