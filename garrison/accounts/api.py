"""Accounts over the API: who am I, users (for managers), and the caller's own tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from garrison.access.permissions import Permission
from garrison.access.policy import effective_permissions, require
from garrison.access.roles import Role
from garrison.accounts import selectors
from garrison.accounts.models import ApiToken, User
from garrison.accounts.services import tokens, users
from garrison.api.errors import NotFound
from garrison.api.pagination import page

router = Router(tags=["accounts"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class UserOut(Schema):
    id: UUID
    email: str
    full_name: str
    role: str
    is_active: bool
    mfa_enabled: bool
    created_at: datetime
    last_login: datetime | None


class MeOut(UserOut):
    permissions: list[str]


class UserIn(Strict):
    email: str = Field(max_length=254)
    full_name: str = Field(default="", max_length=150)
    role: Role


class UserCreatedOut(Schema):
    user: UserOut
    one_time_password: str


class UserPatch(Strict):
    full_name: str | None = Field(default=None, max_length=150)
    role: Role | None = None
    is_active: bool | None = None


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Strict):
    name: str = Field(max_length=100)
    scopes: list[Permission]
    expires_at: datetime | None = None


class TokenCreatedOut(Schema):
    token: TokenOut
    secret: str = Field(description="The token itself; shown only in this response.")


def _user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "is_active": user.is_active,
        "mfa_enabled": user.mfa_enabled,
        "created_at": user.created_at,
        "last_login": user.last_login,
    }


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@router.get("/me", response=MeOut, summary="The caller and what their token may do")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = _actor(request)
    return {**_user_out(actor), "permissions": sorted(str(p) for p in effective_permissions(actor))}


@router.get("/users", response=UserPage)
def user_list(request: HttpRequest, cursor: str | None = None, limit: int = 50, q: str = "") -> dict[str, Any]:
    require(_actor(request), Permission.USER_VIEW)
    rows, next_cursor = page(
        selectors.users_visible_to(actor=request.user, search=q), cursor=cursor, limit=limit, keys=("email", "id")
    )
    return {"items": [_user_out(u) for u in rows], "next_cursor": next_cursor}


def _user(request: HttpRequest, user_id: UUID) -> User:
    require(_actor(request), Permission.USER_VIEW)
    try:
        return selectors.user_for(actor=request.user, pk=user_id)
    except Http404:
        raise NotFound from None


@router.get("/users/{user_id}", response=UserOut)
def user_get(request: HttpRequest, user_id: UUID) -> dict[str, Any]:
    return _user_out(_user(request, user_id))


@router.post("/users", response={201: UserCreatedOut})
def user_create(request: HttpRequest, payload: UserIn) -> Status[dict[str, Any]]:
    user, password = users.user_create(
        email=payload.email, full_name=payload.full_name, role=payload.role, actor=_actor(request)
    )
    return Status(201, {"user": _user_out(user), "one_time_password": password})


@router.patch("/users/{user_id}", response=UserOut)
def user_patch(request: HttpRequest, user_id: UUID, payload: UserPatch) -> dict[str, Any]:
    actor = _actor(request)
    require(actor, Permission.USER_MANAGE)
    user = _user(request, user_id)
    if payload.full_name is not None:
        user = users.user_update(user=user, actor=actor, full_name=payload.full_name)
    if payload.role is not None:
        user = users.user_set_role(user=user, role=payload.role, actor=actor)
    if payload.is_active is False:
        user = users.user_deactivate(user=user, actor=actor)
    elif payload.is_active is True and not user.is_active:
        user, _ = users.user_reactivate(user=user, actor=actor)
    return _user_out(user)


@router.get("/tokens", response=list[TokenOut], summary="The caller's own tokens")
def token_list(request: HttpRequest) -> list[ApiToken]:
    actor = _actor(request)
    return list(selectors.tokens_of(actor=actor, user=actor)[:200])


@router.post("/tokens", response={201: TokenCreatedOut}, summary="A new token for the caller, within their role")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    actor = _actor(request)
    token, raw = tokens.token_create(
        user=actor,
        name=payload.name,
        scopes=[str(s) for s in payload.scopes],
        expires_at=payload.expires_at,
        actor=actor,
    )
    return Status(201, {"token": token, "secret": raw})


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: UUID) -> Status[None]:
    actor = _actor(request)
    try:
        token = selectors.token_of(actor=actor, pk=token_id)
    except Http404:
        raise NotFound from None
    tokens.token_revoke(token=token, actor=actor)
    return Status(204, None)
