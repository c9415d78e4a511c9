"""Matrix entries: core pages, accounts pages and the accounts API."""

from __future__ import annotations

from tests.authz.spec import (
    ADMIN,
    ANON,
    DASHBOARD,
    EVERYONE,
    NOBODY,
    SIGNED_IN,
    STAFF,
    USER_MANAGE,
    USER_VIEW,
    WRITE_OK,
    Check,
    api,
    form,
    page,
)


def _user(w: dict, suffix: str = "") -> str:
    return f"/account/users/{w['victim'].pk}/{suffix}"


STAFF_TOKEN_OWNERS = STAFF

ROUTES: dict[str, list[Check]] = {
    "core:dashboard": [page(lambda w: "/", DASHBOARD)],
    "core:health": [page(lambda w: "/health", EVERYONE)],
    # Public sign-in pages: everyone may load them; signed-in people are sent on (302).
    "accounts:login": [
        page(lambda w: "/account/login", EVERYONE, ok=frozenset({200, 302})),
        form(lambda w: "/account/login", EVERYONE, lambda w: {"email": "nobody@example.org", "password": "x" * 12}),
    ],
    "accounts:login_mfa": [page(lambda w: "/account/login/2fa", EVERYONE, ok=frozenset({302}))],
    "accounts:logout": [form(lambda w: "/account/logout", EVERYONE, ok=frozenset({302}))],
    # Everyone signed in may set up their own second factor (the enrolled personas are sent to their profile).
    "accounts:mfa_setup": [page(lambda w: "/account/2fa/setup", SIGNED_IN, ok=frozenset({200, 302}))],
    "accounts:recovery_codes": [
        page(lambda w: "/account/2fa/recovery-codes", SIGNED_IN),
        form(lambda w: "/account/2fa/recovery-codes", SIGNED_IN, lambda w: {"code": "000000"}),
    ],
    "accounts:profile": [page(lambda w: "/account/profile", SIGNED_IN)],
    "accounts:password_change": [page(lambda w: "/account/password", SIGNED_IN)],
    "accounts:token_create": [
        page(lambda w: "/account/tokens/new", STAFF),
        form(
            lambda w: "/account/tokens/new",
            STAFF,
            lambda w: {"name": "ci", "scopes": ["core:dashboard:view"], "days": 7},
        ),
    ],
    # Revoking someone else's token: the page exists only for its owner (404 for other token holders).
    "accounts:token_revoke": [
        form(
            lambda w: f"/account/tokens/{w['admin_token'].pk}/revoke",
            frozenset({ADMIN}),
            ok=frozenset({302}),
            hidden=STAFF - {ADMIN},
        ),
    ],
    "accounts:sessions_end": [form(lambda w: "/account/sessions/end", SIGNED_IN, ok=frozenset({302}))],
    "accounts:user_list": [page(lambda w: "/account/users/", USER_VIEW)],
    "accounts:user_create": [
        page(lambda w: "/account/users/new", USER_MANAGE),
        form(lambda w: "/account/users/new", USER_MANAGE, lambda w: {"email": "n@example.org", "role": "developer"}),
    ],
    "accounts:user_detail": [page(lambda w: _user(w), USER_VIEW)],
    "accounts:user_role": [form(lambda w: _user(w, "role"), USER_MANAGE, lambda w: {"role": "triager"})],
    "accounts:user_deactivate": [form(lambda w: _user(w, "deactivate"), USER_MANAGE)],
    "accounts:user_reactivate": [form(lambda w: _user(w, "reactivate"), USER_MANAGE)],
    "accounts:user_mfa_reset": [form(lambda w: _user(w, "2fa-reset"), USER_MANAGE)],
    # API
    "api:openapi-json": [page(lambda w: "/api/v1/openapi.json", EVERYONE)],
    "api:openapi-view": [page(lambda w: "/api/v1/docs", EVERYONE)],
    "api:api-root": [page(lambda w: "/api/v1/", NOBODY, denied=404, anonymous=404)],
    "GET /api/v1/me": [api("GET", lambda w: "/api/v1/me", SIGNED_IN)],
    "GET /api/v1/users": [api("GET", lambda w: "/api/v1/users", USER_VIEW)],
    "POST /api/v1/users": [
        api("POST", lambda w: "/api/v1/users", USER_MANAGE, lambda w: {"email": "m@example.org", "role": "developer"})
    ],
    "GET /api/v1/users/{user_id}": [api("GET", lambda w: f"/api/v1/users/{w['victim'].pk}", USER_VIEW)],
    "PATCH /api/v1/users/{user_id}": [
        api("PATCH", lambda w: f"/api/v1/users/{w['victim'].pk}", USER_MANAGE, lambda w: {"role": "auditor"})
    ],
    "GET /api/v1/tokens": [api("GET", lambda w: "/api/v1/tokens", SIGNED_IN)],
    "POST /api/v1/tokens": [
        api(
            "POST",
            lambda w: "/api/v1/tokens",
            STAFF,
            lambda w: {"name": "x", "scopes": ["core:dashboard:view"]},
            ok=WRITE_OK,
        ),
    ],
    "DELETE /api/v1/tokens/{token_id}": [
        api(
            "DELETE",
            lambda w: f"/api/v1/tokens/{w['admin_token'].pk}",
            frozenset({ADMIN}),
            ok=frozenset({204}),
            hidden=SIGNED_IN - {ADMIN},
        ),
    ],
}

__all__ = ["ANON", "ROUTES"]
