"""The findings pages: findings (list, bulk actions, detail, triage), scans (history, upload, a component's
findings over time) and suppression rules."""

from garrison.findings.views.findings import finding_bulk, finding_decide, finding_detail, finding_list
from garrison.findings.views.scans import component_history, scan_detail, scan_list, scan_upload
from garrison.findings.views.suppressions import suppression_create, suppression_list, suppression_revoke

__all__ = [
    "component_history",
    "finding_bulk",
    "finding_decide",
    "finding_detail",
    "finding_list",
    "scan_detail",
    "scan_list",
    "scan_upload",
    "suppression_create",
    "suppression_list",
    "suppression_revoke",
]
