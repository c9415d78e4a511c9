"""Every route of Garrison and who may use it. Keys: URL names for pages, "METHOD /api/v1/path" for the API."""

from __future__ import annotations

from tests.authz import (
    routes_accounts,
    routes_advisories,
    routes_findings,
    routes_intake,
    routes_issues_api,
    routes_issues_detail,
    routes_issues_list,
    routes_lists,
    routes_mail,
    routes_notify,
    routes_org,
    routes_public,
)
from tests.authz.spec import Check

MATRIX: dict[str, list[Check]] = {
    **routes_accounts.ROUTES,
    **routes_org.ROUTES,
    **routes_findings.ROUTES,
    **routes_intake.ROUTES,
    **routes_mail.ROUTES,
    **routes_notify.ROUTES,
    **routes_issues_list.ROUTES,
    **routes_issues_detail.ROUTES,
    **routes_issues_api.ROUTES,
    **routes_advisories.ROUTES,
    **routes_lists.ROUTES,
    **routes_public.ROUTES,
}
