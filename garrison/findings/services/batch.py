"""One batch of parsed findings against the database: a fixed number of queries whatever the batch holds.

Look up the batch's fingerprints (one query) and decisions (one query), insert the new findings, update the changed
ones, touch the unchanged ones, and upsert their sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from django.db import connection
from django.db.models import QuerySet

from garrison.findings.fingerprints import fingerprint, package_key
from garrison.findings.importers import ParsedFinding
from garrison.findings.models import SEVERITY_RANK, Finding, FindingSource, FindingState, Scan, TriageDecision
from garrison.findings.services.bulk_insert import BulkInsert

if TYPE_CHECKING:
    from garrison.findings.services.imports import ImportCounts
    from garrison.findings.services.suppressions import Rule

# What a re-scan may refresh on a finding it reports again (besides state, decision and suppression).
REFRESHED = ("title", "severity", "fixed_version", "installed_version", "line", "file_path")
UPDATED = (
    *REFRESHED,
    "state",
    "is_regression",
    "mitigated_by_scan_id",
    "mitigated_at",
    "last_seen_scan_id",
    "decision_id",
    "suppressed_by_id",
    "updated_at",
)
LOADED = ("id", "fingerprint", *UPDATED)


def clip(value: str, limit: int | None = None) -> str:
    value = value.replace("\x00", "")
    return value[:limit] if limit else value


def _texts(values: list[Any], limit: int = 2000) -> list[str]:
    return [clip(str(v), limit) for v in values if v is not None]


def _score(value: float | None) -> Decimal | None:
    if value is None or not 0 <= value <= 10:
        return None
    return Decimal(str(round(float(value), 1)))


def _line(value: int | None) -> int | None:
    return value if isinstance(value, int) and 0 < value < 2**31 else None


def _among(queryset: QuerySet[Any], column: str, values: list[Any]) -> QuerySet[Any]:
    """``filter(<column>__in=values)`` for a batch's thousands of values. On PostgreSQL one array parameter:
    Django prepares each value of an IN list and psycopg re-parses a query with thousands of placeholders."""
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{column}__in": values})
    quoted = f"{connection.ops.quote_name(queryset.model._meta.db_table)}.{connection.ops.quote_name(column)}"
    return queryset.extra(where=[f"{quoted} = ANY(%s)"], params=[values])  # noqa: S610 (names from the model)


@dataclass(slots=True)
class _Item:
    parsed: ParsedFinding
    fingerprint: str
    key: str
    severity: str
    package_key: str
    tools: set[str] = field(default_factory=set)


class FindingBatch:
    def __init__(self, scan: Scan, rules: list[Rule], counts: ImportCounts, tools: set[str], now: datetime) -> None:
        self.scan = scan
        self.rules = rules
        self.counts = counts
        self.tools = tools
        self.now = now

    def _merge(self, parsed: list[ParsedFinding]) -> dict[str, _Item]:
        """Same fingerprint twice in the report: one finding, the highest severity, every tool."""
        items: dict[str, _Item] = {}
        for p in parsed:
            fp, key = fingerprint(p)
            severity = str(p.severity) if str(p.severity) in SEVERITY_RANK else "unknown"
            tool = clip(p.tool.strip(), 100) or "unknown"
            item = items.get(fp)
            if item is None:
                pkg = package_key(p.package_purl, p.package_name) if (p.package_purl or p.package_name) else ""
                items[fp] = item = _Item(p, fp, key, severity, clip(pkg, 500))
            elif SEVERITY_RANK[severity] > SEVERITY_RANK[item.severity]:
                item.severity = severity
            item.tools.add(tool)
            self.tools.add(tool)
        return items

    def _suppression(self, item: _Item) -> Any:
        if not self.rules:
            return None
        p = item.parsed
        ids = frozenset(i.strip().upper() for i in (p.vulnerability_id, *p.aliases) if i)
        for rule in self.rules:
            if rule.matches(ids=ids, package_key=item.package_key, file_path=p.file_path, rule_id=p.rule_id.strip()):
                return rule.pk
        return None

    def apply(self, parsed: list[ParsedFinding]) -> None:
        scan = self.scan
        items = self._merge(parsed)
        found = _among(Finding.objects.filter(target_key=scan.target_key), "fingerprint", list(items))
        existing = {row["fingerprint"]: row for row in found.values(*LOADED)}
        keys = list({i.key for i in items.values()})
        decisions = dict(
            _among(TriageDecision.objects.filter(component_id=scan.component_id), "key", keys).values_list("key", "pk")
        )
        new: list[dict[str, Any]] = []
        changed: list[Finding] = []
        touched: list[Any] = []
        sources: dict[str, list[Any]] = {}
        new_sources: list[dict[str, Any]] = []
        for fp, item in items.items():
            decision_id = decisions.get(item.key)
            suppressed_by = self._suppression(item)
            row = existing.get(fp)
            if row is None:
                row = self._new_row(item, decision_id, suppressed_by)
                new.append(row)
                new_sources.extend({"id": uuid4(), "finding_id": row["id"], "tool": t} for t in item.tools)
                continue
            if self._refresh(row, item, decision_id, suppressed_by):
                changed.append(Finding(**{name: row[name] for name in LOADED}))
            else:
                touched.append(row["id"])
            for tool in item.tools:
                sources.setdefault(tool, []).append(row["id"])
        self._write(new, changed, touched)
        self._write_sources(new_sources, sources)

    def _write(self, new: list[dict[str, Any]], changed: list[Finding], touched: list[Any]) -> None:
        scan, now = self.scan, self.now
        if new:
            constants: dict[str, Any] = {"component_id": scan.component_id, "release_line_id": scan.release_line_id}
            constants |= {"service": scan.service, "target_key": scan.target_key, "created_at": now}
            constants |= {"first_seen_scan_id": scan.pk, "last_seen_scan_id": scan.pk, "updated_at": now}
            constants |= {"state": FindingState.ACTIVE.value, "is_regression": False}
            constants |= {"mitigated_by_scan_id": None, "mitigated_at": None}
            BulkInsert(Finding, constants).write(new)
        if changed:
            Finding.objects.bulk_update(changed, [name.removesuffix("_id") for name in UPDATED])
        if touched:
            _among(Finding.objects.all(), "id", touched).update(last_seen_scan=scan)

    def _write_sources(self, new: list[dict[str, Any]], seen: dict[str, list[Any]]) -> None:
        """Sources of new findings are new; those of known findings are touched, and created only if missing."""
        scan, now = self.scan, self.now
        BulkInsert(FindingSource, {"last_seen_scan_id": scan.pk, "created_at": now, "updated_at": now}).write(new)
        for tool, finding_ids in seen.items():
            rows = _among(FindingSource.objects.filter(tool=tool), "finding_id", finding_ids)
            touched = rows.update(last_seen_scan=scan)
            if touched < len(finding_ids):  # a scanner that had not reported these findings before
                FindingSource.objects.bulk_create(
                    [FindingSource(finding_id=pk, tool=tool, last_seen_scan_id=scan.pk) for pk in finding_ids],
                    ignore_conflicts=True,
                )

    def _count(self, suppressed_by: Any) -> None:
        if suppressed_by is not None:
            self.counts.suppressed += 1

    def _refresh(self, row: dict[str, Any], item: _Item, decision_id: Any, suppressed_by: Any) -> bool:
        """Bring an existing finding up to this scan; True when more than last_seen_scan changed."""
        p = item.parsed
        again = row["last_seen_scan_id"] == self.scan.pk  # reported twice in this report, in different batches
        severity = item.severity
        if again and SEVERITY_RANK[row["severity"]] > SEVERITY_RANK[severity]:
            severity = row["severity"]
        values: dict[str, Any] = {
            "title": clip(p.title, 500) or row["title"],
            "severity": severity,
            "fixed_version": clip(p.fixed_version, 200),
            "installed_version": clip(p.installed_version, 200),
            "line": _line(p.line),
            "file_path": clip(p.file_path, 1000),
            "decision_id": decision_id,
            "suppressed_by_id": suppressed_by,
        }
        if row["state"] == FindingState.MITIGATED:
            values.update(state=FindingState.ACTIVE, is_regression=True, mitigated_by_scan_id=None, mitigated_at=None)
            self.counts.regressed += 1
        elif not again:
            self.counts.unchanged += 1
        if not again:
            self._count(suppressed_by)
        changed = any(row[name] != value for name, value in values.items())
        row.update(values, last_seen_scan_id=self.scan.pk, updated_at=self.now)
        return changed

    def _new_row(self, item: _Item, decision_id: Any, suppressed_by: Any) -> dict[str, Any]:
        """The varying columns of a new finding (BulkInsert adds the target, scan and time)."""
        p = item.parsed
        self.counts.new += 1
        self._count(suppressed_by)
        return {
            "id": uuid4(),
            "fingerprint": item.fingerprint,
            "kind": str(p.kind),
            "title": clip(p.title.strip(), 500) or clip(p.vulnerability_id or p.rule_id, 500) or "(untitled)",
            "severity": item.severity,
            "vulnerability_id": clip(p.vulnerability_id.strip(), 120),
            "aliases": _texts(p.aliases, 120),
            "cvss_v3_vector": clip(p.cvss_v3_vector, 200),
            "cvss_v3_score": _score(p.cvss_v3_score),
            "cvss_v4_vector": clip(p.cvss_v4_vector, 300),
            "cvss_v4_score": _score(p.cvss_v4_score),
            "cwes": [c for c in p.cwes if isinstance(c, int)],
            "package_name": clip(p.package_name, 300),
            "package_key": item.package_key,
            "installed_version": clip(p.installed_version, 200),
            "fixed_version": clip(p.fixed_version, 200),
            "file_path": clip(p.file_path, 1000),
            "line": _line(p.line),
            "rule_id": clip(p.rule_id.strip(), 300),
            "endpoint": clip(p.endpoint, 2000),
            "parameter": clip(p.parameter, 300),
            "description": clip(p.description),
            "references": _texts(p.references),
            "decision_key": item.key,
            "decision_id": decision_id,
            "suppressed_by_id": suppressed_by,
        }
