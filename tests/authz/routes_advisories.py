"""Matrix entries: advisories (see tests/authz/spec.py for the vocabulary).

``advisory`` grows out of an issue of the "Security + component team" level: holders of ADVISORY_VIEW who may not
see that issue (auditor, admin) get 404. ``secret_advisory`` (security team only) likewise; ``public_advisory`` is
visible to every holder of ADVISORY_VIEW. The developer holds no advisory permission at all."""

from __future__ import annotations

from datetime import timedelta

from garrison.core import clock
from tests.authz.spec import ADMIN, AUDITOR, EVERYONE, LEAD, NOBODY, TRIAGER, Check, api, form, page

VIEW = frozenset({LEAD, TRIAGER, AUDITOR, ADMIN})
EDIT = frozenset({LEAD, TRIAGER, ADMIN})
PUBLISH = frozenset({LEAD, ADMIN})
TEAM = frozenset({LEAD, TRIAGER})
OUTSIDE_TEAM = frozenset({AUDITOR, ADMIN})
READ_OR_EXPORT_ERROR = frozenset({200, 422})
MISSING = "00000000-0000-4000-8000-000000000000"


def _d(w, suffix: str = "") -> str:
    return f"/disclosure/{w['advisory'].identifier}/{suffix}"


def _secret(w, suffix: str = "") -> str:
    return f"/disclosure/{w['secret_advisory'].identifier}/{suffix}"


def _api(w, key: str = "advisory", suffix: str = "") -> str:
    return f"/api/v1/advisories/{w[key].identifier}{suffix}"


def _embargo_end(w):
    return (clock.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


def _edit_pages(suffix: str, body) -> list[Check]:
    return [
        form(lambda w: _d(w, suffix), TEAM, body, hidden=frozenset({ADMIN})),
        form(lambda w: _secret(w, suffix), TEAM, body, hidden=frozenset({ADMIN})),
    ]


def _publish_pages(suffix: str, body=None) -> list[Check]:
    return [
        form(lambda w: _d(w, suffix), frozenset({LEAD}), body, hidden=frozenset({ADMIN})),
        form(lambda w: _secret(w, suffix), frozenset({LEAD}), body, hidden=frozenset({ADMIN})),
    ]


def _public_product(w) -> str:
    """The published advisory's product (remembered: the first allowed persona removes it, the others find it gone)."""
    if "public_product" not in w:
        w["public_product"] = w["public_advisory"].products.first().pk
    return f"/disclosure/{w['public_advisory'].identifier}/products/{w['public_product']}/delete"


def _product(w):
    return {"component": str(w["core_api"].pk), "status": "fixed", "fixed_version": "1.0.2"}


def _api_edit(method: str, suffix: str, allowed: frozenset[str], body=None) -> list[Check]:
    return [
        api(method, lambda w: _api(w, "advisory", suffix), allowed & TEAM, body, hidden=allowed - TEAM),
        api(method, lambda w: _api(w, "secret_advisory", suffix), allowed & TEAM, body, hidden=allowed - TEAM),
    ]


ROUTES: dict[str, list[Check]] = {
    "advisories:advisory_list": [page(lambda w: "/disclosure/", VIEW)],
    "advisories:advisory_new": [
        page(lambda w: f"/disclosure/new?issue={w['issue'].pk}", TEAM, hidden=frozenset({ADMIN})),
        form(lambda w: f"/disclosure/new?issue={w['issue'].pk}", TEAM, hidden=frozenset({ADMIN})),
        form(lambda w: f"/disclosure/new?issue={w['secret_issue'].pk}", TEAM, hidden=frozenset({ADMIN})),
    ],
    "advisories:advisory_detail": [
        page(lambda w: _d(w), TEAM, hidden=OUTSIDE_TEAM),
        page(lambda w: _secret(w), TEAM, hidden=OUTSIDE_TEAM),
        page(lambda w: f"/disclosure/{w['public_advisory'].identifier}/", VIEW),
        *_edit_pages("", lambda w: {"title": "Renamed", "cwe_ids": "CWE-79"}),
    ],
    "advisories:product_save": _edit_pages("products", _product),
    # A product or credit that is not on the advisory (or already removed) changes nothing: back to the page.
    "advisories:product_delete": [
        form(_public_product, EDIT),
        form(lambda w: _d(w, f"products/{MISSING}/delete"), TEAM, hidden=frozenset({ADMIN})),
        form(lambda w: _secret(w, f"products/{MISSING}/delete"), TEAM, hidden=frozenset({ADMIN})),
    ],
    "advisories:credit_add": _edit_pages("credits", lambda w: {"name": "Ada", "type": "finder"}),
    "advisories:credit_delete": [
        form(lambda w: _d(w, f"credits/{MISSING}/delete"), TEAM, hidden=frozenset({ADMIN})),
        form(lambda w: _secret(w, f"credits/{MISSING}/delete"), TEAM, hidden=frozenset({ADMIN})),
    ],
    "advisories:revision_add": _edit_pages("revisions", lambda w: {"summary": "Fixed versions"}),
    "advisories:advisory_approve": _publish_pages("approve"),
    "advisories:advisory_prenotify": _publish_pages(
        "prenotify", lambda w: {"embargo_ends_at": _embargo_end(w), "time_zone": "Europe/Berlin"}
    ),
    "advisories:advisory_publish": _publish_pages("publish"),
    "advisories:advisory_export": [
        page(lambda w: _d(w, "export/csaf"), TEAM, ok=READ_OR_EXPORT_ERROR, hidden=OUTSIDE_TEAM),
        page(lambda w: _secret(w, "export/osv"), TEAM, ok=READ_OR_EXPORT_ERROR, hidden=OUTSIDE_TEAM),
        page(lambda w: f"/disclosure/{w['public_advisory'].identifier}/export/osv", VIEW, ok=READ_OR_EXPORT_ERROR),
    ],
    # The reporter's answer: the tracking token is the credential (no account); an unknown token is 404.
    "advisories:credit_consent": [
        form(
            lambda w: f"/disclosure/credit/{w['tracking_token']}",
            EVERYONE,
            lambda w: {"answer": "accept"},
            ok=frozenset({303}),
        ),
        form(lambda w: "/disclosure/credit/not-a-token", NOBODY, lambda w: {"answer": "accept"}, hidden=EVERYONE),
    ],
    "GET /api/v1/advisories": [api("GET", lambda w: "/api/v1/advisories", VIEW)],
    "POST /api/v1/advisories": [
        api("POST", lambda w: "/api/v1/advisories", EDIT, lambda w: {"issues": [w["issue"].key]}),
        # Admin may draft, but not from an issue it cannot see: refused on the content (422), nothing made.
        api("POST", lambda w: "/api/v1/advisories", EDIT, lambda w: {"issues": [w["secret_issue"].key]}),
    ],
    "GET /api/v1/advisories/{identifier}": [
        api("GET", lambda w: _api(w), TEAM, hidden=OUTSIDE_TEAM),
        api("GET", lambda w: _api(w, "secret_advisory"), TEAM, hidden=OUTSIDE_TEAM),
        api("GET", lambda w: _api(w, "public_advisory"), VIEW),
    ],
    "PATCH /api/v1/advisories/{identifier}": _api_edit("PATCH", "", EDIT, lambda w: {"summary": "Short"}),
    "POST /api/v1/advisories/{identifier}/approve": _api_edit("POST", "/approve", PUBLISH),
    "POST /api/v1/advisories/{identifier}/prenotify": _api_edit(
        "POST",
        "/prenotify",
        PUBLISH,
        lambda w: {"embargo_ends_at": (clock.now() + timedelta(days=2)).isoformat()},
    ),
    "POST /api/v1/advisories/{identifier}/publish": _api_edit("POST", "/publish", PUBLISH),
    "POST /api/v1/advisories/{identifier}/fix-public": _api_edit(
        "POST", "/fix-public", PUBLISH, lambda w: {"publish": False, "override_reason": "vendor asked for a day"}
    ),
    "GET /api/v1/advisories/{identifier}/export/{fmt}": [
        api("GET", lambda w: _api(w, "advisory", "/export/csaf"), TEAM, ok=READ_OR_EXPORT_ERROR, hidden=OUTSIDE_TEAM),
        api(
            "GET",
            lambda w: _api(w, "secret_advisory", "/export/osv"),
            TEAM,
            ok=READ_OR_EXPORT_ERROR,
            hidden=OUTSIDE_TEAM,
        ),
        api("GET", lambda w: _api(w, "public_advisory", "/export/osv"), VIEW, ok=READ_OR_EXPORT_ERROR),
    ],
}
