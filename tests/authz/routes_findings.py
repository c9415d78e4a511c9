"""Matrix entries: findings pages and API (scans, findings, triage decisions, suppressions)."""

from __future__ import annotations

from tests.authz.spec import ADMIN, DEV, LEAD, STAFF, TRIAGER, Check, api, form, page

FINDING_VIEW = STAFF
# Developers hold these only for their own teams' components (core-api, not billing).
FINDING_TRIAGE = frozenset({DEV, TRIAGER, LEAD, ADMIN})
SCAN_IMPORT = FINDING_TRIAGE
SUPPRESSION_MANAGE = frozenset({TRIAGER, LEAD, ADMIN})
NOBODY: frozenset[str] = frozenset()


def _decision(w):
    return {"state": "under_investigation", "reason": "looking into it"}


def _bulk(w):
    return {"action": "false_positive", "reason": "test data", "findings": [str(w["finding"].pk)]}


ROUTES: dict[str, list[Check]] = {
    "findings:finding_list": [page(lambda w: "/findings/", FINDING_VIEW)],
    "findings:finding_bulk": [
        form(lambda w: "/findings/bulk", FINDING_TRIAGE, _bulk),
        # A ticked finding the actor may not see is not touched (and not named).
        form(
            lambda w: "/findings/bulk",
            FINDING_TRIAGE,
            lambda w: {"action": "false_positive", "reason": "x", "findings": [str(w["secret_finding"].pk)]},
        ),
    ],
    "findings:finding_detail": [
        page(lambda w: f"/findings/{w['finding'].pk}/", FINDING_VIEW),
        page(lambda w: f"/findings/{w['secret_finding'].pk}/", NOBODY, hidden=FINDING_VIEW),
    ],
    "findings:finding_decide": [
        form(lambda w: f"/findings/{w['finding'].pk}/decision", FINDING_TRIAGE, _decision),
        # billing belongs to Payments: the developer may see its findings but not triage them.
        form(lambda w: f"/findings/{w['billing_finding'].pk}/decision", SUPPRESSION_MANAGE, _decision),
        form(lambda w: f"/findings/{w['secret_finding'].pk}/decision", NOBODY, _decision, hidden=FINDING_TRIAGE),
    ],
    "findings:scan_list": [page(lambda w: "/findings/scans/", FINDING_VIEW)],
    "findings:scan_detail": [
        page(lambda w: f"/findings/scans/{w['scan'].pk}/", FINDING_VIEW),
        page(lambda w: f"/findings/scans/{w['secret_scan'].pk}/", NOBODY, hidden=FINDING_VIEW),
    ],
    "findings:scan_upload": [
        page(lambda w: "/findings/scans/upload", SCAN_IMPORT),
        form(lambda w: "/findings/scans/upload", SCAN_IMPORT),
    ],
    "findings:component_history": [
        page(lambda w: f"/findings/components/{w['core_api'].pk}/history", FINDING_VIEW),
        page(lambda w: f"/findings/components/{w['secret_component'].pk}/history", NOBODY, hidden=FINDING_VIEW),
    ],
    "findings:suppression_list": [page(lambda w: "/findings/suppressions/", FINDING_VIEW)],
    "findings:suppression_create": [
        page(lambda w: "/findings/suppressions/new", SUPPRESSION_MANAGE),
        form(
            lambda w: "/findings/suppressions/new",
            SUPPRESSION_MANAGE,
            lambda w: {"vulnerability_id": "CVE-2099-0001", "reason": "not shipped"},
        ),
    ],
    "findings:suppression_revoke": [
        form(lambda w: f"/findings/suppressions/{w['suppression'].pk}/revoke", SUPPRESSION_MANAGE)
    ],
    # The upload is multipart; a JSON body without a file is refused on its content (422) once past the gate.
    "POST /api/v1/scans": [api("POST", lambda w: "/api/v1/scans", SCAN_IMPORT, lambda w: {})],
    "GET /api/v1/scans": [api("GET", lambda w: "/api/v1/scans", FINDING_VIEW)],
    "GET /api/v1/scans/{scan_id}": [
        api("GET", lambda w: f"/api/v1/scans/{w['scan'].pk}", FINDING_VIEW),
        api("GET", lambda w: f"/api/v1/scans/{w['secret_scan'].pk}", NOBODY, hidden=FINDING_VIEW),
    ],
    "GET /api/v1/findings": [api("GET", lambda w: "/api/v1/findings", FINDING_VIEW)],
    "GET /api/v1/findings/{finding_id}": [
        api("GET", lambda w: f"/api/v1/findings/{w['finding'].pk}", FINDING_VIEW),
        api("GET", lambda w: f"/api/v1/findings/{w['secret_finding'].pk}", NOBODY, hidden=FINDING_VIEW),
    ],
    "POST /api/v1/findings/{finding_id}/decision": [
        api("POST", lambda w: f"/api/v1/findings/{w['finding'].pk}/decision", FINDING_TRIAGE, _decision),
        api("POST", lambda w: f"/api/v1/findings/{w['billing_finding'].pk}/decision", SUPPRESSION_MANAGE, _decision),
        api(
            "POST",
            lambda w: f"/api/v1/findings/{w['secret_finding'].pk}/decision",
            NOBODY,
            _decision,
            hidden=FINDING_TRIAGE,
        ),
    ],
    "GET /api/v1/suppressions": [api("GET", lambda w: "/api/v1/suppressions", FINDING_VIEW)],
    "POST /api/v1/suppressions": [
        api(
            "POST",
            lambda w: "/api/v1/suppressions",
            SUPPRESSION_MANAGE,
            lambda w: {"vulnerability_id": "CVE-2099-0002", "reason": "not shipped"},
        )
    ],
    "DELETE /api/v1/suppressions/{suppression_id}": [
        api("DELETE", lambda w: f"/api/v1/suppressions/{w['suppression'].pk}", SUPPRESSION_MANAGE)
    ],
}
