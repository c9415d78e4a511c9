"""Importing a scan report into findings, in batches, in one transaction (docs/adr/0006-finding-identity.md).

Re-import scope: a finding missing from a scan is mitigated only when the last scan that reported it had the same
format (and, when the report names its tools, the same tools). So a Semgrep scan does not close Trivy's findings
of the same component, and a CVE that Trivy and Grype both report stays open until the scanner that last saw it
stops reporting it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any, BinaryIO

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction

from garrison.access.errors import AccessDenied
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock
from garrison.findings.importers import REGISTRY, Importer, Parsed, ParsedComponent, ParsedFinding, ParseError
from garrison.findings.models import InventoryComponent, Scan, ScanStatus, target_key
from garrison.findings.services.batch import FindingBatch, clip
from garrison.findings.services.reading import ReportStream, pick_importer
from garrison.findings.services.suppressions import rules_for_target
from garrison.findings.services.triage import decisions_from_vex
from garrison.org.models import Component, ReleaseLine

BATCH_SIZE = 2000

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (bytes read, findings parsed)


@dataclass
class ImportCounts:
    total: int = 0
    new: int = 0
    unchanged: int = 0
    mitigated: int = 0
    regressed: int = 0
    suppressed: int = 0
    components: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class ImportResult:
    scan: Scan | None  # None on a dry run
    format: str
    counts: ImportCounts


class _DryRun(Exception):  # control flow, not an error: it rolls the savepoint back
    def __init__(self, result: ImportResult) -> None:
        self.result = result


def _batches(items: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class _Engine:
    """One import into one Scan row (already saved). Holds the counts, the rules loaded once and the findings."""

    def __init__(self, scan: Scan, report: ReportStream, progress: Progress | None, actor: Any) -> None:
        self.scan = scan
        self.report = report
        self.progress = progress
        self.actor = actor
        self.counts = ImportCounts()
        self.tools: set[str] = set()
        self.parsed = 0
        self.saw_inventory = False
        self.now = clock.now()
        assert scan.component is not None
        self.rules = rules_for_target(component=scan.component, release_line=scan.release_line, now=self.now)
        self.findings = FindingBatch(scan, self.rules, self.counts, self.tools, self.now)

    def run(self, items: Iterator[Parsed]) -> ImportCounts:
        try:
            for batch in _batches(items, BATCH_SIZE):
                findings = [p for p in batch if isinstance(p, ParsedFinding)]
                components = [p for p in batch if isinstance(p, ParsedComponent)]
                if findings:
                    self.findings.apply(findings)
                if components:
                    self.findings.rows.close()  # an open COPY holds the connection
                    self._inventory(components)
                self.parsed += len(findings)
                if self.progress is not None:
                    self.progress(self.report.size, self.parsed)
            self.report.finish()
        except BaseException:
            self.findings.rows.abort()
            raise
        self.scan.tool = clip(", ".join(sorted(self.tools)), 100)
        self.findings.finish(self.scan.tool)
        if self.findings.vex:
            decisions_from_vex(scan=self.scan, statements=self.findings.vex, actor=self.actor)
        self._prune_inventory()
        c = self.counts
        c.total = c.new + c.unchanged + c.regressed
        return c

    def _inventory(self, parsed: list[ParsedComponent]) -> None:
        scan = self.scan
        rows: dict[str, InventoryComponent] = {}
        for c in parsed:
            identity = clip(c.purl.strip() or f"{c.name.strip()}@{c.version.strip()}", 600)
            rows[identity] = InventoryComponent(
                component_id=scan.component_id,
                release_line_id=scan.release_line_id,
                service=scan.service,
                target_key=scan.target_key,
                name=clip(c.name, 300),
                version=clip(c.version, 200),
                purl=clip(c.purl, 600),
                type=clip(c.type, 40),
                licenses=[clip(str(x), 300) for x in c.licenses],
                supplier=clip(c.supplier, 300),
                identity=identity,
                last_seen_scan_id=scan.pk,
            )
        InventoryComponent.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["target_key", "identity"],
            update_fields=["name", "version", "purl", "type", "licenses", "supplier", "last_seen_scan", "updated_at"],
        )
        self.saw_inventory = True

    def _prune_inventory(self) -> None:
        """A report that lists packages replaces the target's inventory; one that lists none leaves it alone."""
        if not self.saw_inventory:
            return
        rows = InventoryComponent.objects.filter(target_key=self.scan.target_key)
        self.counts.components = rows.filter(last_seen_scan=self.scan).count()
        rows.exclude(last_seen_scan=self.scan).delete()


def _finish(scan: Scan, importer: Importer, report: ReportStream, counts: ImportCounts, actor: Any) -> None:
    for field, value in counts.as_dict().items():
        setattr(scan, field, value)
    scan.format = importer.name
    scan.file_size = report.size
    scan.file_sha256 = report.sha256()
    scan.status = ScanStatus.DONE
    scan.error = ""
    scan.finished_at = clock.now()
    scan.save()
    audit.record(
        action=AuditAction.SCAN_IMPORTED,
        actor=actor,
        target=scan,
        actor_label=None if getattr(actor, "is_authenticated", False) else "worker",
        data={
            "component": str(scan.component_id),
            "release_line": str(scan.release_line_id) if scan.release_line_id else None,
            "service": scan.service,
            "format": importer.name,
            "file_name": scan.file_name,
            "counts": counts.as_dict(),
        },
    )


def import_into(
    *, scan: Scan, source: BinaryIO, fmt: str | None, actor: Any, progress: Progress | None
) -> ImportResult:
    """The import proper, into a Scan row that already exists. Call inside a transaction: it writes in batches
    and raises ParseError half-way through a bad report, and only the caller's rollback makes that all or nothing."""
    report = ReportStream(source, on_read=None if progress is None else lambda n: progress(n, engine_parsed()))
    importer = pick_importer(report.head, fmt)
    scan.format = importer.name
    Component.objects.select_for_update().filter(pk=scan.component_id).first()  # one import per component at a time
    if connection.vendor == "postgresql":  # a bulk load: see ADR 0006, "Writing an import"
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")
    engine = _Engine(scan, report, progress, actor)

    def engine_parsed() -> int:
        return engine.parsed

    try:
        counts = engine.run(importer.parse(report.stream))
    except UnicodeEncodeError:  # a lone surrogate a reader let through: the database cannot store it
        raise ParseError(importer.name, "text that is not valid Unicode (a lone UTF-16 surrogate)") from None
    _finish(scan, importer, report, counts, actor)
    return ImportResult(scan=scan, format=importer.name, counts=counts)


def scan_import(
    *,
    source: BinaryIO,
    file_name: str,
    component: Component,
    release_line: ReleaseLine | None,
    service: str = "",
    fmt: str | None = None,
    dry_run: bool = False,
    actor: Any,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one report for a target, all or nothing. ``dry_run`` does the same work and rolls it back."""
    require(actor, Permission.SCAN_IMPORT, component)
    try:
        with transaction.atomic():
            scan = _new_scan(
                component=component,
                release_line=release_line,
                service=service,
                file_name=file_name,
                status=ScanStatus.RUNNING,
                actor=actor,
            )
            result = import_into(scan=scan, source=source, fmt=fmt, actor=actor, progress=progress)
            if dry_run:
                raise _DryRun(result)
    except _DryRun as stop:
        return ImportResult(scan=None, format=stop.result.format, counts=stop.result.counts)
    return result


def _new_scan(
    *, component: Component, release_line: ReleaseLine | None, service: str, file_name: str, status: str, actor: Any
) -> Scan:
    service = clip(service.strip(), 200)
    return Scan.objects.create(
        component=component,
        release_line=release_line,
        service=service,
        target_key=target_key(component.pk, release_line.pk if release_line else None, service),
        file_name=clip(file_name, 255),
        status=status,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def scan_enqueue(
    *,
    upload: UploadedFile,
    component: Component,
    release_line: ReleaseLine | None,
    service: str = "",
    fmt: str | None = None,
    actor: Any,
) -> Scan:
    """Keep an uploaded report in storage and queue its import (`tasks.scan_import_task`); poll the Scan."""
    require(actor, Permission.SCAN_IMPORT, component)
    if fmt and fmt not in REGISTRY:
        raise ParseError(fmt, f"unknown format; use one of: {', '.join(sorted(REGISTRY))}")
    scan = _new_scan(
        component=component,
        release_line=release_line,
        service=service,
        file_name=upload.name or "",
        status=ScanStatus.QUEUED,
        actor=actor,
    )
    scan.format = fmt or ""
    scan.file_size = upload.size or 0
    scan.upload.save(f"{scan.pk}.report", upload, save=False)
    scan.save(update_fields=["format", "file_size", "upload", "updated_at"])
    audit.record(
        action=AuditAction.SCAN_QUEUED,
        actor=actor,
        target=scan,
        data={"component": str(component.pk), "file_name": scan.file_name, "format": scan.format},
    )
    from garrison.findings.tasks import scan_import_task

    scan_id = str(scan.pk)
    transaction.on_commit(lambda: scan_import_task.enqueue(scan_id=scan_id))
    return scan


def _fail(scan: Scan, message: str) -> None:
    with transaction.atomic():
        Scan.objects.filter(pk=scan.pk).update(
            status=ScanStatus.FAILED, error=message, finished_at=clock.now(), updated_at=clock.now()
        )
        audit.record(action=AuditAction.SCAN_FAILED, actor_label="worker", target=scan, data={"error": message})


def scan_run(*, scan: Scan) -> Scan:
    """The worker's half of `scan_enqueue`: import the stored report as the person who uploaded it, all or
    nothing; the scan ends ``done`` with its counts or ``failed`` with the reason. The file is deleted after."""
    scan = Scan.objects.select_related("component", "release_line", "created_by").get(pk=scan.pk)
    if scan.status != ScanStatus.QUEUED:
        return scan
    Scan.objects.filter(pk=scan.pk).update(status=ScanStatus.RUNNING, updated_at=clock.now())
    actor = scan.created_by
    try:
        require(actor, Permission.SCAN_IMPORT, scan.component)
        with transaction.atomic(), scan.upload.open("rb") as source:
            import_into(scan=scan, source=source, fmt=scan.format or None, actor=actor, progress=None)
    except ParseError as exc:
        _fail(scan, str(exc))
    except AccessDenied:
        _fail(scan, "the uploader may no longer import scans for this component")
    except OSError as exc:
        _fail(scan, f"the uploaded report cannot be read ({exc.strerror or exc.__class__.__name__})")
    except Exception as exc:  # noqa: BLE001 (never leave a scan "running" for ever: fail it; log where, not the message,
        where = traceback.extract_tb(exc.__traceback__)[-1]  # which may quote the report)
        logger.error("import of scan %s failed: %s at %s:%s", scan.pk, type(exc).__name__, where.filename, where.lineno)
        _fail(scan, "the import failed on an internal error; the administrators can see it in the log")
    finally:
        if scan.upload:
            scan.upload.delete(save=False)
            Scan.objects.filter(pk=scan.pk).update(upload="")
    scan.refresh_from_db()
    return scan
