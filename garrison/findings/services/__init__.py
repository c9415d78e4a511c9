"""Every write on findings. Contract (keyword-only, each in one transaction, permission-checked and audited):

- ``scan_import(*, source: BinaryIO, file_name: str, component: Component, release_line: ReleaseLine | None,
  service: str = "", fmt: str | None = None, dry_run: bool = False, actor: User | None,
  progress: Callable[[int, int], None] | None = None) -> ImportResult``  (services/imports.py)
  ImportResult has ``scan`` (None on dry run), ``format`` and ``counts`` (an ImportCounts: total, new, unchanged,
  mitigated, regressed, suppressed, components; ``counts.as_dict()``). Raises ParseError (nothing written; an
  unknown ``fmt`` too) or AccessDenied (SCAN_IMPORT on the component). ``progress(bytes_read, findings_parsed)``
  is called as the report is read and after each batch.
  A finding missing from a scan is mitigated only when the last scan that reported it had the same format (and
  the same tools, when the report names them): a Semgrep scan does not close Trivy's findings of the component.
  A report that lists SBOM packages replaces the target's inventory; one that lists none leaves it alone.
- ``scan_enqueue(*, upload: UploadedFile, component, release_line, service="", fmt=None, actor) -> Scan`` stores
  the file (status queued) and queues ``tasks.scan_import_task``; ``scan_run(*, scan: Scan) -> Scan`` is what the
  task calls: status running, then done with counts or failed with ``error`` (the ParseError message); the stored
  file is deleted either way.
- ``decision_set(*, finding: Finding, state: str, reason: str, justification: str = "", actor,
  expires_at=None, approved_by=None) -> TriageDecision``  (services/triage.py); applies to every finding of the
  component with the same decision key. ValidationError: unknown state, empty reason, not_affected without a
  justification, risk_accepted by someone without RISK_ACCEPT (field ``state``) or without an expiry within
  settings.GARRISON_RISK_ACCEPT_MAX_DAYS (field ``expires_at``).
- ``decisions_from_vex(*, scan: Scan, statements: dict[str, VexAnalysis], actor) -> int`` (services/triage.py):
  the import's call, in its transaction, for the CycloneDX VEX statements of a report (decision key -> analysis):
  one decision per key that has none yet, only when the actor is a signed-in user who may triage the component;
  links the component's findings with those keys; one DECISION_SET audit event on the scan. Returns how many.
- ``decisions_expire(*, now) -> int`` (worker, ``tasks.decisions_expire_task``; `garrison expire-decisions` for
  cron): risk acceptances past expiry go back to affected; the decider gets an email after the commit.
- ``suppression_create(*, vulnerability_id="", purl_pattern="", path_glob="", rule_id="", component=None,
  release_line=None, reason: str, expires_at=None, actor) -> Suppression`` and ``suppression_revoke(*, suppression,
  actor) -> Suppression`` (services/suppressions.py). Globs (``*``, ``?``, ``[..]``) match case-insensitively the
  versionless purl (``Finding.package_key``) and the reported file path; the vulnerability id matches the id or
  an alias. Creating applies the rule to existing findings; revoking releases them.
- ``findings_bulk_action(*, findings: QuerySet[Finding], action: str, reason: str, actor, expires_at=None) -> int``
  for the pages' bulk ``suppress`` / ``accept_risk`` / ``false_positive`` (BULK_ACTIONS); returns findings changed.
"""

from garrison.findings.services.imports import (
    BATCH_SIZE,
    ImportCounts,
    ImportResult,
    scan_enqueue,
    scan_import,
    scan_run,
)
from garrison.findings.services.suppressions import suppression_create, suppression_revoke
from garrison.findings.services.triage import (
    BULK_ACTIONS,
    decision_set,
    decisions_expire,
    decisions_from_vex,
    findings_bulk_action,
)

__all__ = [
    "BATCH_SIZE",
    "BULK_ACTIONS",
    "ImportCounts",
    "ImportResult",
    "decision_set",
    "decisions_expire",
    "decisions_from_vex",
    "findings_bulk_action",
    "scan_enqueue",
    "scan_import",
    "scan_run",
    "suppression_create",
    "suppression_revoke",
]
