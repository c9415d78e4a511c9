"""Writing one import's findings: what the target already has is read once, new findings stream into the table as
they are parsed, and the rest is written in a few set-based statements at the end.

- ``Known``: the target's findings (fingerprint -> the columns a re-scan compares) and the component's decisions,
  each read with one query at the start, so parsing never waits for the database.
- New findings go to a ``RowStream``: on PostgreSQL one COPY for the whole import (the server inserts and indexes
  while Python parses the next findings); elsewhere one INSERT per batch.
- At the end (``FindingBatch.finish``): the findings reported twice in different batches, the changed and
  regressed ones (bulk UPDATE; a new tool reporting a known finding changes it), last_seen_scan of the unchanged
  ones (UPDATE by id), and the mitigation of what this scan no longer reports. A fixed number of statements per
  10,000 rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import orjson
from django.db import connection
from django.db.models import QuerySet

from garrison.findings.fingerprints import fingerprint, package_key
from garrison.findings.importers import ParsedFinding, VexAnalysis
from garrison.findings.keyset import KeySet, key_of
from garrison.findings.models import SEVERITY_RANK, Finding, FindingState, Scan, ScanStatus, TriageDecision
from garrison.findings.services.bulk_insert import BulkInsert, RowStream

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
    "tools",
    "updated_at",
)
LOADED = ("id", "fingerprint", *UPDATED)
CHUNK = 10_000  # ids per UPDATE at the end


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
    """``filter(<column>__in=values)`` for thousands of values. On PostgreSQL one array parameter: Django
    prepares each value of an IN list and psycopg re-parses a query with thousands of placeholders."""
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{column}__in": values})
    field = queryset.model._meta.get_field(column)
    target = field.target_field if field.is_relation else field
    cast = "::uuid[]" if target.get_internal_type() == "UUIDField" else ""  # ids may come as text (see Known)
    quoted = f"{connection.ops.quote_name(queryset.model._meta.db_table)}.{connection.ops.quote_name(field.column)}"
    return queryset.extra(where=[f"{quoted} = ANY(%s{cast})"], params=[values])  # noqa: S610 (names from the model)


def _chunks(values: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(slots=True)
class _Item:
    parsed: ParsedFinding
    fingerprint: str
    key: str
    severity: str
    package_key: str
    tools: set[str] = field(default_factory=set)


# The columns a re-scan compares, read for every finding of the target. Ids, links and the tools list are read as
# text: making 100,000 UUID objects and parsing 100,000 JSON lists cost more than the query.
KNOWN = ("fingerprint", *(name for name in LOADED if name not in ("fingerprint", "mitigated_at", "updated_at")))
_AS_TEXT = frozenset({"id", "mitigated_by_scan_id", "last_seen_scan_id", "decision_id", "suppressed_by_id", "tools"})


def text_id(value: Any) -> str | None:
    """A UUID as the database gives it back as text: with dashes on PostgreSQL, 32 hex digits on SQLite."""
    if value is None:
        return None
    return str(value) if connection.vendor == "postgresql" else value.hex


class Known:
    """What the target has before this import: its findings by fingerprint (a tuple of KNOWN), the component's
    decisions (key -> text id) and the format and tools of the scans that last saw them (text id -> pair)."""

    def __init__(self, scan: Scan) -> None:
        quote = connection.ops.quote_name
        cast = "::text" if connection.vendor == "postgresql" else ""
        columns = ", ".join(f"{quote(c)}{cast if c in _AS_TEXT else ''}" for c in KNOWN)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {quote(Finding._meta.db_table)} WHERE target_key = %s",  # noqa: S608 (names from the model)
                [scan.target_key],
            )
            self.findings: dict[str, tuple[Any, ...]] = {row[0]: row for row in cursor.fetchall()}
        decisions = TriageDecision.objects.filter(component_id=scan.component_id).values_list("key", "pk")
        self.decisions: dict[str, str | None] = {key: text_id(pk) for key, pk in decisions}
        last_seen = {row[_LAST_SEEN] for row in self.findings.values()}
        scans = Scan.objects.filter(pk__in=last_seen).values_list("pk", "format", "tool")
        self.streams: dict[Any, tuple[str, str]] = {text_id(pk): (fmt, tool) for pk, fmt, tool in scans}


_LAST_SEEN = KNOWN.index("last_seen_scan_id")
_STATE = KNOWN.index("state")
_ID = KNOWN.index("id")
_TITLE = KNOWN.index("title")
_DECISION = KNOWN.index("decision_id")
_SUPPRESSED = KNOWN.index("suppressed_by_id")
_TOOLS = KNOWN.index("tools")
assert KNOWN[_TITLE : _TITLE + len(REFRESHED)] == REFRESHED


def _same_tools(stored: Any, tools: set[str]) -> bool:
    """Whether the stored list (JSON text, as Known reads it) already names exactly these tools."""
    if isinstance(stored, str) and stored == orjson.dumps(sorted(tools)).decode():
        return True  # one tool (the usual case): the texts agree whatever the database's JSON spacing
    listed = orjson.loads(stored) if isinstance(stored, str) else stored
    return set(listed) == tools


class FindingBatch:
    """One import's findings, fed a batch at a time (``apply``) and written out by ``finish``."""

    def __init__(self, scan: Scan, rules: list[Rule], counts: ImportCounts, tools: set[str], now: datetime) -> None:
        self.scan = scan
        self.rules = rules
        self.counts = counts
        self.tools = tools
        self.now = now
        self.known = Known(scan)
        self.seen = KeySet()  # fingerprints reported so far (96-bit keys)
        self.again: dict[str, _Item] = {}  # reported again in a later batch: merged at the end
        self.changed: list[Finding] = []
        self.touched: list[tuple[Any, Any]] = []  # (id, last_seen_scan id) of findings reported again unchanged
        self.vex: dict[str, VexAnalysis] = {}
        constants: dict[str, Any] = {"component_id": scan.component_id, "release_line_id": scan.release_line_id}
        constants |= {"service": scan.service, "target_key": scan.target_key, "created_at": now}
        constants |= {"first_seen_scan_id": scan.pk, "last_seen_scan_id": scan.pk, "updated_at": now}
        constants |= {"state": FindingState.ACTIVE.value, "is_regression": False}
        constants |= {"mitigated_by_scan_id": None, "mitigated_at": None}
        self.rows = RowStream(BulkInsert(Finding, constants))

    # --- per batch --------------------------------------------------------------------------------------------

    def _merge(self, parsed: list[ParsedFinding]) -> dict[str, _Item]:
        """Same fingerprint twice in the batch: one finding, the highest severity, every tool."""
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
            if p.vex is not None:
                self.vex[key] = p.vex
        return items

    def _suppression(self, item: _Item) -> Any:
        if not self.rules:
            return None
        p = item.parsed
        ids = frozenset(i.strip().upper() for i in (p.vulnerability_id, *p.aliases) if i)
        for rule in self.rules:
            if rule.matches(ids=ids, package_key=item.package_key, file_path=p.file_path, rule_id=p.rule_id.strip()):
                return text_id(rule.pk)
        return None

    def apply(self, parsed: list[ParsedFinding]) -> None:
        decisions, known, seen = self.known.decisions, self.known.findings, self.seen
        for fp, item in self._merge(parsed).items():
            if not seen.add(key_of(fp)):
                earlier = self.again.get(fp)
                if earlier is not None:
                    item.tools |= earlier.tools
                    if SEVERITY_RANK[earlier.severity] > SEVERITY_RANK[item.severity]:
                        item.severity = earlier.severity
                self.again[fp] = item
                continue
            decision_id = decisions.get(item.key)
            suppressed_by = self._suppression(item)
            if suppressed_by is not None:
                self.counts.suppressed += 1
            row = known.get(fp)
            if row is None:
                self._add_new(item, decision_id, suppressed_by)
            else:
                self._refresh(row, item, decision_id, suppressed_by)
        if connection.vendor != "postgresql":  # no COPY: write the batch's rows now
            self.rows.flush()

    def _add_new(self, item: _Item, decision_id: Any, suppressed_by: Any) -> None:
        p = item.parsed
        self.counts.new += 1
        pk = uuid4()
        self.rows.add(
            {
                "id": pk,
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
                "tools": sorted(item.tools),
            }
        )

    def _refresh(self, known: tuple[Any, ...], item: _Item, decision_id: Any, suppressed_by: Any) -> None:
        """Bring a known finding up to this scan: changed (written whole at the end) or only touched."""
        p = item.parsed
        refreshed = (
            clip(p.title, 500) or known[_TITLE],
            item.severity,
            clip(p.fixed_version, 200),
            clip(p.installed_version, 200),
            _line(p.line),
            clip(p.file_path, 1000),
        )
        if (
            known[_STATE] == FindingState.ACTIVE
            and refreshed == known[_TITLE : _TITLE + len(REFRESHED)]
            and (decision_id, suppressed_by) == (known[_DECISION], known[_SUPPRESSED])
            and _same_tools(known[_TOOLS], item.tools)
        ):  # the usual re-scan: only last_seen_scan moves (tuples compared, no dicts built)
            self.counts.unchanged += 1
            self.touched.append((known[_ID], known[_LAST_SEEN]))
            return
        row = dict(zip(KNOWN, known, strict=True))
        tools = orjson.loads(row["tools"]) if isinstance(row["tools"], str) else row["tools"]
        values: dict[str, Any] = dict(zip(REFRESHED, refreshed, strict=True))
        values |= {
            "decision_id": decision_id,
            "suppressed_by_id": suppressed_by,
            "tools": tools if item.tools.issubset(tools) else sorted(item.tools.union(tools)),
        }
        if row["state"] == FindingState.MITIGATED:
            values.update(state=FindingState.ACTIVE, is_regression=True, mitigated_by_scan_id=None, mitigated_at=None)
            self.counts.regressed += 1
        else:
            self.counts.unchanged += 1
        row["tools"] = tools
        if any(row.get(name) != value for name, value in values.items()):
            row.update(values, last_seen_scan_id=self.scan.pk, updated_at=self.now)
            self.changed.append(Finding(**{name: row.get(name) for name in LOADED}))
        else:
            self.touched.append((row["id"], row["last_seen_scan_id"]))

    # --- at the end -------------------------------------------------------------------------------------------

    def finish(self, scope_tool: str) -> None:
        """Write what waited for the end; ``scope_tool`` is the scan's tools, known now (for mitigation)."""
        self.rows.close()
        for chunk in _chunks(self.changed, 1000):
            Finding.objects.bulk_update(chunk, [name.removesuffix("_id") for name in UPDATED])
        # An unchanged finding last seen by a scan of the same format and tools keeps its row as it is: its last
        # scan is that stream's latest (selectors.with_last_seen), so rewriting every row of a re-scan is not needed.
        # One last seen by another scanner moves over to this one (mitigation follows the last scanner to see it).
        stream = (self.scan.format, scope_tool)
        moved = [pk for pk, last in self.touched if self.known.streams.get(last) != stream]
        for ids in _chunks(moved):
            _among(Finding.objects.all(), "id", ids).update(last_seen_scan=self.scan)
        self._write_again()  # after the changed rows: it raises what they wrote
        self._mitigate(scope_tool)

    def _write_again(self) -> None:
        """Findings reported again in a later batch: the highest severity, every tool (rare: a few rows)."""
        scan = self.scan
        for fps in _chunks(list(self.again), 1000):
            rows = _among(Finding.objects.filter(target_key=scan.target_key), "fingerprint", fps)
            merged = []
            for finding in rows.only("id", "fingerprint", "severity", "tools"):
                item = self.again[finding.fingerprint]
                if SEVERITY_RANK[item.severity] > SEVERITY_RANK[finding.severity]:
                    finding.severity = item.severity
                finding.tools = sorted(item.tools.union(finding.tools))
                merged.append(finding)
            Finding.objects.bulk_update(merged, ["severity", "tools"])

    def _mitigate(self, scope_tool: str) -> None:
        """The target's active findings that the same kind of scan (format, and tools when the report names them)
        reported last time and this one did not."""
        scan, streams, seen = self.scan, self.known.streams, self.seen
        stale: dict[tuple[str, str], list[Any]] = {}  # by the format and tools of the scan that last saw them
        for fp, row in self.known.findings.items():
            if row[_STATE] != FindingState.ACTIVE or key_of(fp) in seen:
                continue
            fmt, tool = streams.get(row[_LAST_SEEN], ("", ""))
            if fmt == scan.format and (not scope_tool or tool == scope_tool):
                stale.setdefault((fmt, tool), []).append(row[_ID])
        for (fmt, tool), found in stale.items():
            # Each was seen by every scan of its kind until this one: the latest of them is when it was last seen.
            last = latest_scan(scan.target_key, fmt, tool, before=scan)
            for ids in _chunks(found):
                self.counts.mitigated += _among(Finding.objects.all(), "id", ids).update(
                    state=FindingState.MITIGATED,
                    mitigated_by_scan=scan,
                    mitigated_at=self.now,
                    updated_at=self.now,
                    **({"last_seen_scan_id": last} if last is not None else {}),
                )


def latest_scan(target_key: str, fmt: str, tool: str, *, before: Scan) -> Any:
    """The newest finished scan of a target with this format and tools, other than ``before``."""
    scans = Scan.objects.filter(target_key=target_key, format=fmt, tool=tool, status=ScanStatus.DONE)
    return scans.exclude(pk=before.pk).order_by("-created_at").values_list("pk", flat=True).first()
