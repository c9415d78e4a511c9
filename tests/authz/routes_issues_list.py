"""Matrix entries: issues_list (the issue list and export, filing and promoting, saved filters, labels, security
levels and their access review). See tests/authz/spec.py for the vocabulary."""

from __future__ import annotations

from tests.authz.spec import ADMIN, AUDITOR, DEV, LEAD, TRIAGER, Check, form, page

ISSUE_VIEW = frozenset({DEV, TRIAGER, LEAD, AUDITOR, ADMIN})
ISSUE_CREATE = frozenset({TRIAGER, LEAD, ADMIN})
ISSUE_TRIAGE = ISSUE_CREATE
LEVEL_VIEW = frozenset({TRIAGER, LEAD, AUDITOR, ADMIN})
LEVEL_MANAGE = frozenset({LEAD, ADMIN})
NOBODY: frozenset[str] = frozenset()
NO_SUCH = "00000000-0000-4000-8000-000000000000"


def _filed(w):
    return {"title": "Found in code review", "description": "SQL built by string concatenation"}


def _level(w):
    level = w["team_level"]
    return {"name": level.name, "rank": str(level.rank), "include_component_team": "on"}


ROUTES: dict[str, list[Check]] = {
    # Every list, count and export is narrowed to the issues the persona may see: the matrix asserts that the
    # embargoed title reaches only the security team, also when searched for by name.
    "issues:issue_list": [
        page(lambda w: "/issues/", ISSUE_VIEW),
        page(lambda w: "/issues/?show=all&q=Zebra", ISSUE_VIEW),
        page(lambda w: f"/issues/?show=all&level={w['levels']['Security team only'].pk}", ISSUE_VIEW),
    ],
    "issues:issue_export": [page(lambda w: "/issues/export.csv?show=all", ISSUE_VIEW)],
    "issues:issue_create": [
        page(lambda w: "/issues/new", ISSUE_CREATE),
        form(lambda w: "/issues/new", ISSUE_CREATE, _filed),
    ],
    # The admin may file, but not see what was filed at the most restrictive level: refused with a message (302).
    "issues:finding_promote": [
        form(lambda w: f"/issues/promote/{w['finding'].pk}", ISSUE_CREATE),
        form(lambda w: f"/issues/promote/{w['secret_finding'].pk}", NOBODY, hidden=ISSUE_CREATE),
    ],
    "issues:saved_filter_save": [
        form(lambda w: "/issues/filters/save", ISSUE_VIEW, lambda w: {"name": "new ones", "query": "status=new"})
    ],
    # Someone else's (or no) saved filter: 404 for everyone who may list issues, never deleted.
    "issues:saved_filter_delete": [form(lambda w: f"/issues/filters/{NO_SUCH}/delete", NOBODY, hidden=ISSUE_VIEW)],
    "issues:label_list": [
        page(lambda w: "/issues/labels/", ISSUE_VIEW),
        form(lambda w: "/issues/labels/", ISSUE_TRIAGE, lambda w: {"name": "matrix-label"}),
    ],
    "issues:level_list": [page(lambda w: "/issues/levels/", LEVEL_VIEW)],
    "issues:level_create": [
        page(lambda w: "/issues/levels/new", LEVEL_MANAGE),
        form(lambda w: "/issues/levels/new", LEVEL_MANAGE, lambda w: {"name": "Matrix level", "rank": "50"}),
    ],
    "issues:level_edit": [
        page(lambda w: f"/issues/levels/{w['team_level'].pk}/edit", LEVEL_MANAGE),
        form(lambda w: f"/issues/levels/{w['team_level'].pk}/edit", LEVEL_MANAGE, _level),
        page(lambda w: f"/issues/levels/{NO_SUCH}/edit", NOBODY, hidden=LEVEL_MANAGE),
    ],
    # In use by issues: refused with a message (302), nothing deleted.
    "issues:level_delete": [form(lambda w: f"/issues/levels/{w['team_level'].pk}/delete", LEVEL_MANAGE)],
    "issues:level_review_page": [page(lambda w: "/issues/levels/review", LEVEL_VIEW)],
    "issues:level_review": [
        form(lambda w: f"/issues/levels/{w['team_level'].pk}/review", LEVEL_MANAGE, lambda w: {"note": "checked"})
    ],
}
