"""Matrix entries: issues_detail (see tests/authz/spec.py for the vocabulary).

``w["issue"]``: level "Security + component team", core-api (the developer's team): developer, triager, lead see it;
admin and auditor hold ISSUE_VIEW but the level does not admit them (404). ``w["secret_issue"]``: security team only.
``w["billing_issue"]``: component team level, billing (Payments): hidden from the developer too.
"""

from __future__ import annotations

from typing import Any

from tests.authz.spec import ADMIN, AUDITOR, DEV, LEAD, STAFF, TRIAGER, Check, form, page

SECURITY_TEAM = frozenset({TRIAGER, LEAD})
ISSUE_READERS = frozenset({DEV, TRIAGER, LEAD})  # who the level of w["issue"] admits
NOT_ADMITTED = frozenset({AUDITOR, ADMIN})  # ISSUE_VIEW, but not admitted by the level: 404
NOBODY: frozenset[str] = frozenset()
# Holders of each permission (by role) who may not see the issue at hand get 404; the others without it get 403.
TRIAGE_HIDDEN = frozenset({ADMIN})
COMMENTERS = frozenset({DEV, TRIAGER, LEAD, ADMIN})
BACKPORT_EDITORS = COMMENTERS


def _url(key: str, suffix: str = "") -> Any:
    return lambda w: f"/issues/{w[key].pk}/{suffix}"


def _cell(key: str) -> Any:
    """The URL of a backport cell of ``w[key]`` (core-api/billing on Quesnelia), made the first time it is asked
    for. Only the first check of a route (a GET, never snapshotted) may call this, so no write check sees it made."""

    def url(w: dict[str, Any]) -> str:
        slot = f"_d2_cell_{key}"
        if slot not in w:
            from garrison.issues.models import BackportEntry

            issue = w[key]
            w[slot] = BackportEntry.objects.create(issue=issue, component=issue.component, release_line=w["quesnelia"])
        return f"/issues/{w[key].pk}/backports/{w[slot].pk}"

    return url


def _transition(w: dict[str, Any]) -> dict[str, str]:
    return {"to": "triage", "note": "looking"}


def _edit(w: dict[str, Any]) -> dict[str, str]:
    return {"title": "Stored XSS in profile (edited)", "description": "details", "exposure": "no"}


def _cell_body(w: dict[str, Any]) -> dict[str, str]:
    return {"status": "fixed", "fixed_version": "1.0.1"}


def _add_body(w: dict[str, Any]) -> dict[str, str]:
    return {"component": str(w["core_api"].pk), "release_line": str(w["quesnelia"].pk)}


def _triage_checks(suffix: str, body: Any) -> list[Check]:
    return [
        form(_url("issue", suffix), SECURITY_TEAM, body, hidden=TRIAGE_HIDDEN),
        form(_url("secret_issue", suffix), SECURITY_TEAM, body, hidden=TRIAGE_HIDDEN),
        form(_url("billing_issue", suffix), SECURITY_TEAM, body, hidden=TRIAGE_HIDDEN),
    ]


ROUTES: dict[str, list[Check]] = {
    "issues:cvss_preview": [
        page(lambda w: "/issues/cvss?cvss_vector=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", STAFF),
        form(lambda w: "/issues/cvss", STAFF, lambda w: {"m_AV": "N"}, ok=frozenset({200})),
    ],
    "issues:issue_detail": [
        page(_url("issue"), ISSUE_READERS, hidden=NOT_ADMITTED),
        page(_url("secret_issue"), SECURITY_TEAM, hidden=STAFF - SECURITY_TEAM),
        page(_url("billing_issue"), SECURITY_TEAM, hidden=STAFF - SECURITY_TEAM),
        page(lambda w: f"/issues/{w['public_issue'].pk}/", STAFF),
    ],
    "issues:issue_edit": _triage_checks("edit", _edit),
    "issues:issue_score": _triage_checks(
        "score", lambda w: {"cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}
    ),
    "issues:issue_transition": _triage_checks("transition", _transition),
    "issues:issue_level": _triage_checks("level", lambda w: {"level": str(w["team_level"].pk)}),
    "issues:issue_public": _triage_checks("public", lambda w: {"state": "embargoed", "reason": "not public yet"}),
    "issues:issue_checklist": _triage_checks("checklist", lambda w: {"scope": "one_app", "layer": "backend"}),
    "issues:comment_add": [
        form(
            _url("issue", "comments"),
            ISSUE_READERS,
            lambda w: {"body": "hi", "visibility": "internal"},
            hidden=frozenset({ADMIN}),
        ),
        form(
            _url("secret_issue", "comments"),
            SECURITY_TEAM,
            lambda w: {"body": "hi", "visibility": "internal"},
            hidden=frozenset({DEV, ADMIN}),
        ),
        form(
            _url("billing_issue", "comments"),
            SECURITY_TEAM,
            lambda w: {"body": "hi", "visibility": "internal"},
            hidden=frozenset({DEV, ADMIN}),
        ),
    ],
    "issues:attachment_download": [
        page(lambda w: f"/issues/{w['issue'].pk}/files/{w['attachment'].pk}", ISSUE_READERS, hidden=NOT_ADMITTED),
        # An attachment asked for under another issue does not exist there, whoever asks.
        page(lambda w: f"/issues/{w['secret_issue'].pk}/files/{w['attachment'].pk}", NOBODY, hidden=STAFF),
        page(lambda w: f"/issues/{w['billing_issue'].pk}/files/{w['attachment'].pk}", NOBODY, hidden=STAFF),
    ],
    "issues:backport_add": [
        form(_url("issue", "backports/add"), ISSUE_READERS, _add_body, hidden=frozenset({ADMIN})),
        form(_url("secret_issue", "backports/add"), SECURITY_TEAM, _add_body, hidden=frozenset({DEV, ADMIN})),
        # billing belongs to Payments: the developer may neither see nor edit its backports.
        form(_url("billing_issue", "backports/add"), SECURITY_TEAM, _add_body, hidden=frozenset({DEV, ADMIN})),
    ],
    "issues:backport_edit": [
        page(_cell("issue"), ISSUE_READERS, hidden=frozenset({ADMIN})),
        form(_cell("issue"), ISSUE_READERS, _cell_body, hidden=frozenset({ADMIN})),
        page(_cell("secret_issue"), SECURITY_TEAM, hidden=frozenset({DEV, ADMIN})),
        form(_cell("secret_issue"), SECURITY_TEAM, _cell_body, hidden=frozenset({DEV, ADMIN})),
        page(_cell("billing_issue"), SECURITY_TEAM, hidden=frozenset({DEV, ADMIN})),
        form(_cell("billing_issue"), SECURITY_TEAM, _cell_body, hidden=frozenset({DEV, ADMIN})),
    ],
}
