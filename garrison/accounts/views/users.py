"""User administration: list, create, change role, deactivate, reset two-factor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from garrison.access.decorators import permission_required
from garrison.access.permissions import Permission
from garrison.access.roles import Role
from garrison.accounts import selectors
from garrison.accounts.forms import RoleForm, UserCreateForm
from garrison.accounts.models import User
from garrison.accounts.services import mfa, users
from garrison.accounts.views.profile import _apply_errors


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@permission_required(Permission.USER_VIEW)
def user_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    rows = selectors.users_visible_to(actor=request.user, search=search, role=role)[:500]
    return render(request, "accounts/user_list.html", {"users": rows, "q": search, "role": role, "roles": Role.choices})


@never_cache
@login_required
@permission_required(Permission.USER_MANAGE)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = users.user_create(actor=_me(request), **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return render(request, "accounts/user_password.html", {"subject": user, "password": password})
    return render(request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@permission_required(Permission.USER_VIEW)
def user_detail(request: HttpRequest, pk: str) -> HttpResponse:
    subject = selectors.user_for(actor=request.user, pk=pk)
    context = {
        "subject": subject,
        "role_form": RoleForm(initial={"role": subject.role}),
        "tokens": selectors.tokens_of(actor=request.user, user=subject),
        "sessions": selectors.sessions_of(actor=request.user, user=subject),
    }
    return render(request, "accounts/user_detail.html", context)


def _manage(request: HttpRequest, pk: str, action: str) -> HttpResponse:
    subject = selectors.user_for(actor=request.user, pk=pk)
    me = _me(request)
    try:
        if action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"role": "choose a role from the list"})
            users.user_set_role(user=subject, role=form.cleaned_data["role"], actor=me)
            messages.success(request, f"{subject.email} is now {subject.get_role_display()}.")
        elif action == "deactivate":
            users.user_deactivate(user=subject, actor=me)
            messages.success(request, f"{subject.email} deactivated; their sessions and tokens have ended.")
        elif action == "reactivate":
            subject, password = users.user_reactivate(user=subject, actor=me)
            return render(request, "accounts/user_password.html", {"subject": subject, "password": password})
        elif action == "mfa_reset":
            mfa.mfa_reset(user=subject, actor=me)
            messages.success(request, f"Two-factor reset for {subject.email}; they enrol again at next sign-in.")
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    return redirect("accounts:user_detail", pk=subject.pk)


@require_POST
@login_required
@permission_required(Permission.USER_MANAGE)
def user_role(request: HttpRequest, pk: str) -> HttpResponse:
    return _manage(request, pk, "role")


@require_POST
@login_required
@permission_required(Permission.USER_MANAGE)
def user_deactivate(request: HttpRequest, pk: str) -> HttpResponse:
    return _manage(request, pk, "deactivate")


@require_POST
@login_required
@permission_required(Permission.USER_MANAGE)
def user_reactivate(request: HttpRequest, pk: str) -> HttpResponse:
    return _manage(request, pk, "reactivate")


@require_POST
@login_required
@permission_required(Permission.USER_MANAGE)
def user_mfa_reset(request: HttpRequest, pk: str) -> HttpResponse:
    return _manage(request, pk, "mfa_reset")
