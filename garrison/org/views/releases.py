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
from garrison.org.forms import ReleaseForm, ReleaseLineFilterForm, ReleaseLineForm
from garrison.org.models import ReleaseLine
from garrison.org.selectors import get_release_for, get_release_line_for, release_lines_visible_to, releases_visible_to
from garrison.org.views.paging import paged


@login_required
@permission_required(Permission.RELEASE_VIEW)
def release_line_list(request: HttpRequest) -> HttpResponse:
    filters = ReleaseLineFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    qs = release_lines_visible_to(actor=request.user, search=criteria.get("q", ""), status=criteria.get("status", ""))
    context = paged(request, qs)
    context.update(filters=filters, can_create=can(request.user, Permission.RELEASE_EDIT))
    return render(request, "org/release_line_list.html", context)


def _detail(request: HttpRequest, line: ReleaseLine, release_form: ReleaseForm | None) -> HttpResponse:
    can_edit = can(request.user, Permission.RELEASE_EDIT, line)
    if can_edit and release_form is None:
        release_form = ReleaseForm(actor=request.user, auto_id="release_%s")
    context = {
        "line": line,
        "can_edit": can_edit,
        "releases": releases_visible_to(actor=request.user, release_line=line),
        "release_form": release_form if can_edit else None,
    }
    return render(request, "org/release_line_detail.html", context)


@login_required
@permission_required(Permission.RELEASE_VIEW)
def release_line_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _detail(request, get_release_line_for(actor=request.user, pk=pk), None)


@login_required
@permission_required(Permission.RELEASE_EDIT)
def release_line_create(request: HttpRequest) -> HttpResponse:
    form = ReleaseLineForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.release_line_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Release line {line.name} created.")
            return redirect("org:release_line_detail", pk=line.pk)
    return render(request, "org/release_line_form.html", {"form": form, "line": None})


@login_required
@permission_required(Permission.RELEASE_EDIT)
def release_line_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    line = get_release_line_for(actor=request.user, pk=pk)
    if not can(request.user, Permission.RELEASE_EDIT, line):
        return forbidden(request)
    form = ReleaseLineForm(request.POST or None, actor=request.user, initial=ReleaseLineForm.initial_from(line))
    if request.method == "POST" and form.is_valid():
        try:
            line = services.release_line_update(release_line=line, changes=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Release line {line.name} saved.")
            return redirect("org:release_line_detail", pk=line.pk)
    return render(request, "org/release_line_form.html", {"form": form, "line": line})


@login_required
@permission_required(Permission.RELEASE_EDIT)
@require_POST
def release_create(request: HttpRequest, pk: UUID) -> HttpResponse:
    line = get_release_line_for(actor=request.user, pk=pk)
    form = ReleaseForm(request.POST, actor=request.user, auto_id="release_%s")
    if form.is_valid():
        try:
            release = services.release_create(release_line=line, **form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Release {release.version} added to {line.name}.")
            return redirect("org:release_line_detail", pk=line.pk)
    return _detail(request, line, form)


@login_required
@permission_required(Permission.RELEASE_EDIT)
def release_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    release = get_release_for(actor=request.user, pk=pk)
    if not can(request.user, Permission.RELEASE_EDIT, release.release_line):
        return forbidden(request)
    form = ReleaseForm(request.POST or None, actor=request.user, initial=ReleaseForm.initial_from(release))
    if request.method == "POST" and form.is_valid():
        try:
            release = services.release_update(release=release, changes=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except AccessDenied:
            return forbidden(request)
        else:
            messages.success(request, f"Release {release.version} saved.")
            return redirect("org:release_line_detail", pk=release.release_line_id)
    return render(request, "org/release_form.html", {"form": form, "release": release})
