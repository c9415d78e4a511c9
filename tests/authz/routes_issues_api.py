"""Matrix entries: issues_api (see tests/authz/spec.py for the vocabulary).

Who sees which issue (tests/authz/world.py): ``issue`` (security + component team, core-api of Platform): the
security team and the developer; ``secret_issue`` and ``billing_issue``: the security team only; ``public_issue``:
every staff role. Admin and auditor hold ISSUE_EMBARGOED_VIEW but no level names them, so embargoed issues are 404
for them; admin holds ISSUE_TRIAGE, so writes to issues it cannot see are 404 too (not 403).
"""

from __future__ import annotations

from typing import Any

from tests.authz.spec import ADMIN, AUDITOR, DEV, LEAD, STAFF, TRIAGER, Check, api

VIEW = STAFF
SECURITY_TEAM = frozenset({TRIAGER, LEAD})
# Who sees ``issue`` (and everything hanging off it), and who may not see it although they hold ISSUE_VIEW.
ISSUE_SEERS = frozenset({DEV, TRIAGER, LEAD})
NOT_ISSUE_SEERS = frozenset({AUDITOR, ADMIN})
# secret_issue and billing_issue: the security team only.
NOT_SECRET_SEERS = frozenset({DEV, AUDITOR, ADMIN})
TRIAGE = frozenset({TRIAGER, LEAD, ADMIN})
CREATE = TRIAGE
COMMENT = frozenset({DEV, TRIAGER, LEAD, ADMIN})
BACKPORT = COMMENT
LEVEL_VIEW = frozenset({TRIAGER, LEAD, AUDITOR, ADMIN})
NOBODY: frozenset[str] = frozenset()

VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N"


def _viewing(path: str) -> list[Check]:
    """A GET under /issues/{key}: the issue's readers get 200, other staff 404, everyone else 403/401."""
    return [
        api("GET", lambda w: f"/api/v1/issues/{w['issue'].key}{path}", ISSUE_SEERS, hidden=NOT_ISSUE_SEERS),
        api("GET", lambda w: f"/api/v1/issues/{w['secret_issue'].key}{path}", SECURITY_TEAM, hidden=NOT_SECRET_SEERS),
        api("GET", lambda w: f"/api/v1/issues/{w['billing_issue'].key}{path}", SECURITY_TEAM, hidden=NOT_SECRET_SEERS),
        api("GET", lambda w: f"/api/v1/issues/{w['public_issue'].key}{path}", VIEW),
    ]


def _writing(method: str, path: str, allowed: frozenset[str], body: Any) -> list[Check]:
    """A write under /issues/{key}, for holders of the permission (``allowed``): 404 on issues they cannot see."""
    return [
        api(
            method,
            lambda w: f"/api/v1/issues/{w['issue'].key}{path}",
            allowed & ISSUE_SEERS,
            body,
            hidden=allowed - ISSUE_SEERS,
        ),
        api(
            method,
            lambda w: f"/api/v1/issues/{w['secret_issue'].key}{path}",
            allowed & SECURITY_TEAM,
            body,
            hidden=allowed - SECURITY_TEAM,
        ),
        api(method, lambda w: f"/api/v1/issues/{w['public_issue'].key}{path}", allowed, body),
    ]


ROUTES: dict[str, list[Check]] = {
    "GET /api/v1/issues": [
        api("GET", lambda w: "/api/v1/issues", VIEW),
        api("GET", lambda w: "/api/v1/issues?q=Zebra", VIEW),
        api("GET", lambda w: "/api/v1/issues?open=true&limit=1", VIEW),
    ],
    "GET /api/v1/issues/count": [
        api("GET", lambda w: "/api/v1/issues/count", VIEW),
        api("GET", lambda w: "/api/v1/issues/count?q=Zebra", VIEW),
    ],
    "POST /api/v1/issues": [
        api("POST", lambda w: "/api/v1/issues", CREATE, lambda w: {"title": "Filed by staff", "description": "x"}),
        # A body naming a component the caller may not see is refused on its content, never a leak of the name.
        api(
            "POST",
            lambda w: "/api/v1/issues",
            CREATE,
            lambda w: {"title": "t", "description": "d", "component": str(w["secret_component"].pk)},
        ),
    ],
    "GET /api/v1/issues/{key}": [
        *_viewing(""),
        # Not an issue key: the same answer as an invisible issue.
        api("GET", lambda w: "/api/v1/issues/SEC-0", NOBODY, hidden=VIEW),
        api("GET", lambda w: "/api/v1/issues/not-a-key", NOBODY, hidden=VIEW),
        api("GET", lambda w: "/api/v1/issues/SEC-99999999999", NOBODY, hidden=VIEW),
    ],
    "PATCH /api/v1/issues/{key}": _writing("PATCH", "", TRIAGE, lambda w: {"impact": "account takeover"}),
    "POST /api/v1/issues/{key}/score": _writing("POST", "/score", TRIAGE, lambda w: {"vector": VECTOR}),
    "POST /api/v1/issues/{key}/transition": _writing("POST", "/transition", TRIAGE, lambda w: {"to": "triage"}),
    "PUT /api/v1/issues/{key}/level": _writing(
        "PUT", "/level", TRIAGE, lambda w: {"level": "Security + component team"}
    ),
    "PUT /api/v1/issues/{key}/public": [
        api(
            "PUT",
            lambda w: f"/api/v1/issues/{w['issue'].key}/public",
            SECURITY_TEAM,
            lambda w: {"public": False, "reason": "still embargoed"},
            hidden=frozenset({ADMIN}),
        ),
        api(
            "PUT",
            lambda w: f"/api/v1/issues/{w['secret_issue'].key}/public",
            SECURITY_TEAM,
            lambda w: {"public": False, "reason": "still embargoed"},
            hidden=frozenset({ADMIN}),
        ),
        # Stays public, so every allowed persona still sees it afterwards.
        api(
            "PUT",
            lambda w: f"/api/v1/issues/{w['public_issue'].key}/public",
            TRIAGE,
            lambda w: {"public": True, "reason": "upstream CVE"},
        ),
    ],
    "PUT /api/v1/issues/{key}/checklist": _writing("PUT", "/checklist", TRIAGE, lambda w: {"scope": "one_app"}),
    "GET /api/v1/issues/{key}/comments": _viewing("/comments"),
    "POST /api/v1/issues/{key}/comments": _writing("POST", "/comments", COMMENT, lambda w: {"body": "Looking"}),
    "GET /api/v1/issues/{key}/attachments": _viewing("/attachments"),
    # Multipart; a JSON body without a file is refused on its content (422) once past the gate.
    "POST /api/v1/issues/{key}/attachments": _writing("POST", "/attachments", COMMENT, lambda w: {}),
    "GET /api/v1/issues/{key}/attachments/{attachment_id}": [
        api(
            "GET",
            lambda w: f"/api/v1/issues/{w['issue'].key}/attachments/{w['attachment'].pk}",
            ISSUE_SEERS,
            hidden=NOT_ISSUE_SEERS,
        ),
        # The attachment belongs to another issue: 404 even through an issue everyone may see.
        api(
            "GET",
            lambda w: f"/api/v1/issues/{w['public_issue'].key}/attachments/{w['attachment'].pk}",
            NOBODY,
            hidden=VIEW,
        ),
    ],
    "GET /api/v1/issues/{key}/backports": _viewing("/backports"),
    "PUT /api/v1/issues/{key}/backports": [
        *_writing(
            "PUT",
            "/backports",
            BACKPORT,
            lambda w: {"component": "core-api", "release_line": "Quesnelia", "status": "affected"},
        ),
        api(
            "PUT",
            lambda w: f"/api/v1/issues/{w['billing_issue'].key}/backports",
            SECURITY_TEAM,
            lambda w: {"component": "billing", "release_line": "Quesnelia", "status": "affected"},
            hidden=frozenset({DEV, ADMIN}),
        ),
    ],
    "POST /api/v1/issues/{key}/backports/ensure": _writing("POST", "/backports/ensure", BACKPORT, lambda w: {}),
    "GET /api/v1/issues/{key}/history": _viewing("/history"),
    "GET /api/v1/security-levels": [api("GET", lambda w: "/api/v1/security-levels", LEVEL_VIEW)],
    "GET /api/v1/issue-labels": [api("GET", lambda w: "/api/v1/issue-labels", VIEW)],
    "POST /api/v1/cvss/score": [
        api("POST", lambda w: "/api/v1/cvss/score", VIEW, lambda w: {"vector": VECTOR}, ok=frozenset({200})),
        api(
            "POST",
            lambda w: "/api/v1/cvss/score",
            VIEW,
            lambda w: {"vector": "CVSS:3.1/AV:X"},
            ok=frozenset({422}),
        ),
    ],
}
