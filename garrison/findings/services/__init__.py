"""Every write on findings. Contract (keyword-only, each in one transaction, permission-checked and audited):

- ``scan_import(*, source: BinaryIO, file_name: str, component: Component, release_line: ReleaseLine | None,
  service: str = "", fmt: str | None = None, dry_run: bool = False, actor: User | None,
  progress: Callable[[int, int], None] | None = None) -> ImportResult``  (services/imports.py)
  ImportResult has ``scan`` (None on dry run), ``format`` and ``counts`` (total, new, unchanged, mitigated,
  regressed, suppressed, components). Raises ParseError (nothing written) or AccessDenied.
- ``scan_enqueue(*, upload: UploadedFile, ... same target options ..., actor) -> Scan`` stores the file and
  queues ``tasks.scan_import_task``; ``scan_run(*, scan: Scan) -> Scan`` is what the task calls.
- ``decision_set(*, finding: Finding, state: str, reason: str, justification: str = "", actor,
  expires_at=None, approved_by=None) -> TriageDecision``  (services/triage.py); applies to every finding of the
  component with the same decision key.
- ``decisions_expire(*, now) -> int`` (worker): risk acceptances past expiry go back to affected.
- ``suppression_create(*, vulnerability_id="", purl_pattern="", path_glob="", rule_id="", component=None,
  release_line=None, reason: str, expires_at=None, actor) -> Suppression`` and ``suppression_revoke(*, suppression,
  actor)`` (services/suppressions.py).
- ``findings_bulk_action(*, findings: QuerySet[Finding], action: str, reason: str, actor) -> int`` for the
  pages' bulk suppress / accept risk / mark false positive.
"""
