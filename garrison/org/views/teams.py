from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.org import services
from garrison.org.forms import MemberAddForm, SearchForm, TeamForm
from garrison.org.selectors import components_visible_to, get_team_for, get_team_member_for, teams_visible_to
from garrison.org.views.paging import paged


@login_required
@permission_required(Permission.TEAM_VIEW)
def team_list(request: HttpRequest) -> HttpResponse:
    filters = SearchForm(request.GET)
    search = filters.cleaned_data["q"] if filters.is_valid() else ""
    context = paged(request, teams_visible_to(actor=request.user, search=search))
    context.update(filters=filters, can_create=can(request.user, Permission.TEAM_EDIT))
    return render(request, "org/team_list.html", context)


@login_required
@permission_required(Permission.TEAM_VIEW)
def team_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    team = get_team_for(actor=request.user, pk=pk)
    can_edit = can(request.user, Permission.TEAM_EDIT, team)
    context = {
        "team": team,
        "can_edit": can_edit,
        "components": components_visible_to(actor=request.user, team=team),
        "member_form": MemberAddForm(actor=request.user, auto_id="member_%s") if can_edit else None,
    }
    return render(request, "org/team_detail.html", context)


@login_required
@permission_required(Permission.TEAM_EDIT)
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Team {team.name} created.")
            return redirect("org:team_detail", pk=team.pk)
    return render(request, "org/team_form.html", {"form": form, "team": None})


@login_required
@permission_required(Permission.TEAM_EDIT)
def team_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    team = get_team_for(actor=request.user, pk=pk)
    if not can(request.user, Permission.TEAM_EDIT, team):
        return forbidden(request)
    form = TeamForm(request.POST or None, actor=request.user, initial=TeamForm.initial_from(team))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_update(team=team, changes=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Team {team.name} saved.")
            return redirect("org:team_detail", pk=team.pk)
    return render(request, "org/team_form.html", {"form": form, "team": team})


@login_required
@permission_required(Permission.TEAM_EDIT)
@require_POST
def team_member_add(request: HttpRequest, pk: UUID) -> HttpResponse:
    team = get_team_for(actor=request.user, pk=pk)
    form = MemberAddForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, "Choose a user to add.")
        return redirect("org:team_detail", pk=team.pk)
    try:
        services.team_member_add(team=team, user=form.cleaned_data["user"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except AccessDenied:
        return forbidden(request)
    else:
        messages.success(request, f"{form.cleaned_data['user'].email} added to {team.name}.")
    return redirect("org:team_detail", pk=team.pk)


@login_required
@permission_required(Permission.TEAM_EDIT)
@require_POST
def team_member_remove(request: HttpRequest, pk: UUID, user_pk: UUID) -> HttpResponse:
    team = get_team_for(actor=request.user, pk=pk)
    user = get_team_member_for(actor=request.user, team=team, user_pk=user_pk)
    try:
        services.team_member_remove(team=team, user=user, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except AccessDenied:
        return forbidden(request)
    else:
        messages.success(request, f"{user.email} removed from {team.name}.")
    return redirect("org:team_detail", pk=team.pk)
