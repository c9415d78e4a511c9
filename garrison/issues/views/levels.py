"""Security levels (LEVEL_VIEW to see, LEVEL_MANAGE to change) and their periodic access review."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from garrison.access.decorators import forbidden, permission_required
from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.issues import services
from garrison.issues.forms.levels import LevelForm, ReviewForm
from garrison.issues.models import SecurityLevel
from garrison.issues.selectors import get_level_for
from garrison.issues.selectors_levels import (
    REVIEW_EVERY,
    level_memberships,
    level_reviews_recent,
    levels_overview,
    visible_team_ids,
)


@require_GET
@login_required
@permission_required(Permission.LEVEL_VIEW)
def level_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    levels = list(levels_overview(actor=actor))
    context = {
        "memberships": level_memberships(actor=actor, levels=levels),
        "may_manage": can(actor, Permission.LEVEL_MANAGE),
        "review_days": REVIEW_EVERY.days,
    }
    return render(request, "issues/level_list.html", context)


def _save(request: HttpRequest, level: SecurityLevel | None) -> HttpResponse:
    actor = request.user
    if request.method != "POST":
        initial: dict[str, Any] = {}
        if level is not None:
            initial = {
                "name": level.name,
                "description": level.description,
                "rank": level.rank,
                "roles": level.roles,
                "teams": list(level.teams.all()),
                "users": list(level.users.all()),
                "include_component_team": level.include_component_team,
                "include_trusted_installations": level.include_trusted_installations,
            }
        form = LevelForm(initial=initial, actor=actor)
        return render(request, "issues/level_form.html", {"form": form, "level": level})
    form = LevelForm(request.POST, actor=actor)
    if form.is_valid():
        values = form.values()
        if level is not None:  # teams the actor cannot see stay on the level: they could not have unticked them
            shown = visible_team_ids(actor=actor)
            values["teams"] += [team for team in level.teams.all() if team.pk not in shown]
        try:
            saved = services.level_save(actor=actor, level=level, **values)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Security level “{saved.name}” saved.")
            return redirect("issues:level_list")
    return render(request, "issues/level_form.html", {"form": form, "level": level}, status=422)


@login_required
@permission_required(Permission.LEVEL_MANAGE)
def level_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@login_required
@permission_required(Permission.LEVEL_MANAGE)
def level_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _save(request, get_level_for(actor=request.user, pk=pk))


@require_POST
@login_required
@permission_required(Permission.LEVEL_MANAGE)
def level_delete(request: HttpRequest, pk: UUID) -> HttpResponse:
    level = get_level_for(actor=request.user, pk=pk)
    try:
        services.level_delete(actor=request.user, level=level)
    except ValidationError as exc:
        messages.error(request, f"“{level.name}” was not deleted: " + "; ".join(exc.messages))
    except AccessDenied:
        return forbidden(request)
    else:
        messages.success(request, f"Security level “{level.name}” deleted.")
    return redirect("issues:level_list")


@require_GET
@login_required
@permission_required(Permission.LEVEL_VIEW)
def level_review_page(request: HttpRequest) -> HttpResponse:
    actor = request.user
    levels = list(levels_overview(actor=actor))
    context = {
        "memberships": level_memberships(actor=actor, levels=levels),
        "reviews": list(level_reviews_recent(actor=actor)),
        "may_manage": can(actor, Permission.LEVEL_MANAGE),
        "review_form": ReviewForm(),
        "review_days": REVIEW_EVERY.days,
    }
    return render(request, "issues/level_review.html", context)


@require_POST
@login_required
@permission_required(Permission.LEVEL_MANAGE)
def level_review(request: HttpRequest, pk: UUID) -> HttpResponse:
    level = get_level_for(actor=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The review was not recorded: the note is at most 2,000 characters.")
        return redirect("issues:level_review_page")
    try:
        services.level_review(actor=request.user, level=level, note=form.cleaned_data["note"])
    except AccessDenied:
        return forbidden(request)
    messages.success(request, f"Access review of “{level.name}” recorded.")
    return redirect("issues:level_review_page")
