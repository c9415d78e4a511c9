"""Matrix entries: organisation pages and API, classification labels, audit log."""

from __future__ import annotations

from tests.authz.spec import (
    ADMIN,
    AUDIT_VIEW,
    AUDITOR,
    CLIENT_VIEW,
    DEV,
    LABEL_VIEW,
    LEAD,
    ORG_EDIT,
    ORG_VIEW,
    RELEASE_EDIT,
    TRIAGER,
    Check,
    api,
    form,
    page,
)

COMPONENT_EDIT = frozenset({DEV, LEAD, ADMIN})
PRIVATE_READERS = frozenset({LEAD, AUDITOR, ADMIN})
LABEL_MANAGE = frozenset({LEAD, ADMIN})


def _id(key: str, attr: str = "pk"):
    return lambda w: getattr(w[key], attr)


def _pages(
    base: str,
    key: str,
    view: frozenset[str],
    edit: frozenset[str],
    *,
    secret: str | None = None,
    extra_edit_hidden: frozenset[str] = frozenset(),
) -> dict[str, list[Check]]:
    """list, detail, create and edit pages of one org type; ``secret`` names an invisible object of the type."""
    detail = [page(lambda w: f"/org/{base}/{w[key].pk}/", view)]
    if secret:
        detail.append(page(lambda w: f"/org/{base}/{w[secret].pk}/", frozenset(), hidden=view))
    return {
        "list": [page(lambda w: f"/org/{base}/", view)],
        "new": [page(lambda w: f"/org/{base}/new", edit), form(lambda w: f"/org/{base}/new", edit)],
        "detail": detail,
        "edit": [
            page(lambda w: f"/org/{base}/{w[key].pk}/edit", edit, hidden=extra_edit_hidden),
            form(lambda w: f"/org/{base}/{w[key].pk}/edit", edit, hidden=extra_edit_hidden),
        ],
    }


_teams = _pages("teams", "platform", ORG_VIEW, ORG_EDIT, secret="secret_team")
_components = _pages("components", "core_api", ORG_VIEW, COMPONENT_EDIT, secret="secret_component")
_lines = _pages("release-lines", "quesnelia", ORG_VIEW, RELEASE_EDIT)
_clients = _pages("clients", "acme", CLIENT_VIEW, ORG_EDIT, secret="hidden_client")
# The Private label admits the security lead, auditor and admin: for them the "secret" client is visible.
_clients["detail"][1] = page(
    lambda w: f"/org/clients/{w['hidden_client'].pk}/", PRIVATE_READERS, hidden=CLIENT_VIEW - PRIVATE_READERS
)

ROUTES: dict[str, list[Check]] = {
    "org:team_list": _teams["list"],
    "org:team_create": _teams["new"],
    "org:team_detail": _teams["detail"],
    "org:team_edit": _teams["edit"],
    "org:team_member_add": [
        form(lambda w: f"/org/teams/{w['platform'].pk}/members/add", ORG_EDIT, lambda w: {"user": str(w["victim"].pk)})
    ],
    "org:team_member_remove": [
        form(lambda w: f"/org/teams/{w['platform'].pk}/members/{w['platform'].lead_id}/remove", ORG_EDIT)
    ],
    "org:component_list": _components["list"],
    "org:component_create": _components["new"],
    "org:component_detail": _components["detail"],
    "org:component_edit": [
        *_components["edit"],
        # billing belongs to Payments: the developer (Platform) may see it but not edit it.
        page(lambda w: f"/org/components/{w['billing'].pk}/edit", frozenset({LEAD, ADMIN})),
        form(
            lambda w: f"/org/components/{w['billing'].pk}/edit",
            frozenset({LEAD, ADMIN}),
            lambda w: {"name": "billing", "responsible_team": str(w["platform"].pk), "support_status": "supported"},
        ),
    ],
    "org:release_line_list": _lines["list"],
    "org:release_line_create": _lines["new"],
    "org:release_line_detail": _lines["detail"],
    "org:release_line_edit": _lines["edit"],
    "org:release_create": [form(lambda w: f"/org/release-lines/{w['quesnelia'].pk}/releases/new", RELEASE_EDIT)],
    "org:release_edit": [
        page(lambda w: f"/org/releases/{w['release'].pk}/edit", RELEASE_EDIT),
        form(lambda w: f"/org/releases/{w['release'].pk}/edit", RELEASE_EDIT),
    ],
    "org:client_list": _clients["list"],
    "org:client_create": _clients["new"],
    "org:client_detail": _clients["detail"],
    "org:client_edit": _clients["edit"],
    "access:label_list": [page(lambda w: "/access/labels/", LABEL_VIEW)],
    "access:label_create": [
        page(lambda w: "/access/labels/new", LABEL_MANAGE),
        form(lambda w: "/access/labels/new", LABEL_MANAGE),
    ],
    "access:label_edit": [
        page(lambda w: f"/access/labels/{w['labels']['Secret'].pk}/edit", LABEL_MANAGE),
        form(lambda w: f"/access/labels/{w['labels']['Secret'].pk}/edit", LABEL_MANAGE),
    ],
    "audit:event_list": [page(lambda w: "/audit/", AUDIT_VIEW)],
    "audit:export_csv": [page(lambda w: "/audit/export.csv", AUDIT_VIEW)],
    "audit:export_jsonl": [page(lambda w: "/audit/export.jsonl", AUDIT_VIEW)],
}


def _api_type(
    path: str,
    one: str,
    key: str,
    view: frozenset[str],
    edit: frozenset[str],
    body,
    *,
    secret: str | None = None,
    secret_readers: frozenset[str] = frozenset(),
) -> dict[str, list[Check]]:
    get_one = [api("GET", lambda w: f"/api/v1/org/{path}/{w[key].pk}", view)]
    patch = [api("PATCH", lambda w: f"/api/v1/org/{path}/{w[key].pk}", edit, lambda w: {"description": "changed"})]
    if secret:
        get_one.append(
            api("GET", lambda w: f"/api/v1/org/{path}/{w[secret].pk}", secret_readers, hidden=view - secret_readers)
        )
        patch.append(
            api(
                "PATCH",
                lambda w: f"/api/v1/org/{path}/{w[secret].pk}",
                secret_readers & edit,
                lambda w: {"description": "x"},
                hidden=edit - secret_readers,
            )
        )
    return {
        f"GET /api/v1/org/{path}": [api("GET", lambda w: f"/api/v1/org/{path}", view)],
        f"POST /api/v1/org/{path}": [api("POST", lambda w: f"/api/v1/org/{path}", edit, body)],
        f"GET /api/v1/org/{path}/{{{one}}}": get_one,
        f"PATCH /api/v1/org/{path}/{{{one}}}": patch,
    }


ROUTES.update(
    _api_type("teams", "team_id", "platform", ORG_VIEW, ORG_EDIT, lambda w: {"name": "New team"}, secret="secret_team")
)
ROUTES.update(
    _api_type(
        "components",
        "component_id",
        "core_api",
        ORG_VIEW,
        COMPONENT_EDIT,
        lambda w: {"name": "new-component", "responsible_team_id": str(w["platform"].pk)},
        secret="secret_component",
    )
)
ROUTES.update(
    _api_type(
        "clients",
        "client_id",
        "acme",
        CLIENT_VIEW,
        ORG_EDIT,
        lambda w: {"name": "New client"},
        secret="hidden_client",
        secret_readers=PRIVATE_READERS,
    )
)
ROUTES.update(_api_type("release-lines", "line_id", "quesnelia", ORG_VIEW, RELEASE_EDIT, lambda w: {"name": "Ramsons"}))
ROUTES.update(
    {
        "POST /api/v1/org/teams/{team_id}/members": [
            api(
                "POST",
                lambda w: f"/api/v1/org/teams/{w['platform'].pk}/members",
                ORG_EDIT,
                lambda w: {"user_id": str(w["victim"].pk)},
            )
        ],
        "DELETE /api/v1/org/teams/{team_id}/members/{user_id}": [
            api("DELETE", lambda w: f"/api/v1/org/teams/{w['platform'].pk}/members/{w['platform'].lead_id}", ORG_EDIT)
        ],
        "GET /api/v1/org/release-lines/{line_id}/releases": [
            api("GET", lambda w: f"/api/v1/org/release-lines/{w['quesnelia'].pk}/releases", ORG_VIEW)
        ],
        "POST /api/v1/org/release-lines/{line_id}/releases": [
            api(
                "POST",
                lambda w: f"/api/v1/org/release-lines/{w['quesnelia'].pk}/releases",
                RELEASE_EDIT,
                lambda w: {"version": "1.0.1"},
            )
        ],
        "GET /api/v1/org/releases/{release_id}": [
            api("GET", lambda w: f"/api/v1/org/releases/{w['release'].pk}", ORG_VIEW)
        ],
        "PATCH /api/v1/org/releases/{release_id}": [
            api("PATCH", lambda w: f"/api/v1/org/releases/{w['release'].pk}", RELEASE_EDIT, lambda w: {"notes": "n"})
        ],
        "GET /api/v1/access/labels": [api("GET", lambda w: "/api/v1/access/labels", LABEL_VIEW)],
        "POST /api/v1/access/labels": [
            api("POST", lambda w: "/api/v1/access/labels", LABEL_MANAGE, lambda w: {"name": "Embargo", "rank": 5})
        ],
        "GET /api/v1/access/labels/{label_id}": [
            api("GET", lambda w: f"/api/v1/access/labels/{w['labels']['Secret'].pk}", LABEL_VIEW)
        ],
        "PATCH /api/v1/access/labels/{label_id}": [
            api(
                "PATCH",
                lambda w: f"/api/v1/access/labels/{w['labels']['Secret'].pk}",
                LABEL_MANAGE,
                lambda w: {"description": "need to know"},
            )
        ],
        "GET /api/v1/audit/events": [api("GET", lambda w: "/api/v1/audit/events", AUDIT_VIEW)],
        "GET /api/v1/audit/verify": [api("GET", lambda w: "/api/v1/audit/verify", AUDIT_VIEW)],
    }
)

__all__ = ["ROUTES", "TRIAGER"]
