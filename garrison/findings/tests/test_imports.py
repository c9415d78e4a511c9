"""scan_import: identity across re-scans, mitigation and regression, batching, all or nothing, dry run."""

from __future__ import annotations

import io
import math
from typing import Any

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.access.errors import AccessDenied
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers import ParseError
from garrison.findings.models import (
    DecisionState,
    Finding,
    FindingState,
    InventoryComponent,
    Scan,
    ScanStatus,
    Suppression,
    TriageDecision,
)
from garrison.findings.selectors import with_last_seen
from garrison.findings.services import imports
from garrison.findings.services.imports import ImportResult, scan_import
from garrison.findings.tests.handmade import code, component, dep, handmade_format, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(handmade_format.__name__)]


def run(personas: Any, items: list[dict[str, Any]], **options: Any) -> Any:
    options.setdefault("component", personas.world["core_api"])
    options.setdefault("release_line", None)
    options.setdefault("actor", personas.triager)
    options.setdefault("fmt", "handmade")
    return scan_import(source=report(items, tail=options.pop("tail", b"")), file_name="report.jsonl", **options)


def counts(result: ImportResult) -> dict[str, int]:
    return result.counts.as_dict()


def test_first_import_creates_every_finding_and_a_scan_with_counts(personas):
    result = run(personas, [dep(1), dep(2), code(3)])

    assert counts(result) == {
        "total": 3,
        "new": 3,
        "unchanged": 0,
        "mitigated": 0,
        "regressed": 0,
        "suppressed": 0,
        "components": 0,
    }
    scan = Scan.objects.get()
    assert (scan.status, scan.format, scan.tool, scan.total, scan.new) == ("done", "handmade", "Semgrep, Trivy", 3, 3)
    assert scan.file_size == len(report([dep(1), dep(2), code(3)]).getvalue())
    assert Finding.objects.filter(first_seen_scan=scan, last_seen_scan=scan, state="active").count() == 3


def test_import_is_audited_with_its_counts(personas):
    result = run(personas, [dep(1)])

    event = AuditEvent.objects.get(action=AuditAction.SCAN_IMPORTED)
    assert event.target_id == str(result.scan.pk)
    assert event.actor_id == personas.triager.pk
    assert event.data["counts"]["new"] == 1
    assert event.data["format"] == "handmade"


def test_reimporting_the_same_report_changes_nothing(personas):
    run(personas, [dep(1), dep(2), code(3)])
    first_ids = set(Finding.objects.values_list("pk", flat=True))

    result = run(personas, [dep(1), dep(2), code(3)])

    assert (result.counts.new, result.counts.unchanged, result.counts.mitigated) == (0, 3, 0)
    assert set(Finding.objects.values_list("pk", flat=True)) == first_ids
    assert {vars(f)["seen_scan_id"] for f in with_last_seen(Finding.objects.all())} == {result.scan.pk}


def test_an_unchanged_re_scan_does_not_rewrite_its_findings_yet_they_show_it_as_last_seen(personas):
    first = run(personas, [dep(1), dep(2)])

    second = run(personas, [dep(1), dep(2)])
    third = run(personas, [dep(1)])  # dep(2) is gone: mitigated, last seen by the second scan

    assert Finding.objects.get(vulnerability_id="CVE-2024-10001").last_seen_scan_id == first.scan.pk  # not written
    seen = {f.vulnerability_id: (f.state, vars(f)["seen_scan_id"]) for f in with_last_seen(Finding.objects.all())}
    assert seen == {
        "CVE-2024-10001": (FindingState.ACTIVE, third.scan.pk),
        "CVE-2024-10002": (FindingState.MITIGATED, second.scan.pk),
    }


def test_a_finding_reported_by_another_scanner_moves_to_it(personas):
    """The scanner that last saw a finding is the one whose next scan mitigates it (and the row says so)."""
    run(personas, [dep(1)])  # Trivy
    run(personas, [dep(1, tool="Grype")])  # a new tool: the row is written, last seen by Grype
    by_trivy = run(personas, [dep(1)])  # unchanged, but last seen by Grype: it moves back to Trivy

    finding = Finding.objects.get()
    assert (finding.last_seen_scan_id, finding.tools) == (by_trivy.scan.pk, ["Grype", "Trivy"])

    grype_again = run(personas, [dep(2, tool="Grype")])  # Grype no longer reports it: Trivy saw it last

    assert grype_again.counts.mitigated == 0
    assert Finding.objects.get(vulnerability_id="CVE-2024-10001").state == FindingState.ACTIVE


def test_shifting_every_line_by_ten_creates_no_new_finding(personas):
    run(personas, [code(n) for n in range(20)])

    result = run(personas, [code(n, line=10 + n + 10) for n in range(20)])

    assert (result.counts.new, result.counts.unchanged) == (0, 20)
    assert Finding.objects.get(file_path="src/module_0.py").line == 20


def test_a_build_number_in_the_path_creates_no_new_finding(personas):
    run(personas, [code(1, file_path="/builds/acme/app/build-1041/src/a.py")])

    result = run(personas, [code(1, file_path="/builds/acme/app/build-1042/src/a.py")])

    assert (result.counts.new, result.counts.unchanged) == (0, 1)


def test_a_finding_missing_from_the_next_scan_is_mitigated_by_it(personas):
    run(personas, [dep(1), dep(2)])

    second = run(personas, [dep(1)])

    gone = Finding.objects.get(vulnerability_id="CVE-2024-10002")
    assert second.counts.mitigated == 1
    assert (gone.state, gone.mitigated_by_scan_id) == (FindingState.MITIGATED, second.scan.pk)
    assert gone.mitigated_at is not None
    assert Finding.objects.get(vulnerability_id="CVE-2024-10001").state == FindingState.ACTIVE


def test_a_mitigated_finding_that_comes_back_is_a_regression(personas):
    run(personas, [dep(1), dep(2)])
    run(personas, [dep(1)])

    third = run(personas, [dep(1), dep(2)])

    back = Finding.objects.get(vulnerability_id="CVE-2024-10002")
    assert (third.counts.regressed, third.counts.new, third.counts.unchanged, third.counts.total) == (1, 0, 1, 2)
    assert (back.state, back.is_regression, back.mitigated_by_scan_id, back.mitigated_at) == (
        "active",
        True,
        None,
        None,
    )


def test_a_scan_of_another_format_does_not_mitigate_findings(personas, monkeypatch):
    from garrison.findings.importers import REGISTRY
    from garrison.findings.tests.handmade import IMPORTER

    monkeypatch.setitem(REGISTRY, "other", IMPORTER.__class__("other", "Other", IMPORTER.sniff, IMPORTER.parse))
    run(personas, [dep(1)])

    result = run(personas, [code(1)], fmt="other")

    assert result.counts.mitigated == 0
    assert Finding.objects.get(vulnerability_id="CVE-2024-10001").state == FindingState.ACTIVE


def test_two_scanners_reporting_one_cve_in_one_package_make_one_finding_with_both_tools(personas):
    grype = dep(
        1,
        tool="Grype",
        vulnerability_id="GHSA-jfh8-c2jp-5v3q",
        aliases=["CVE-2024-10001"],
        package_purl="pkg:pypi/Package_1@1.0.1",
    )
    run(personas, [dep(1)])

    result = run(personas, [grype])

    finding = Finding.objects.get()
    assert (result.counts.new, result.counts.unchanged) == (0, 1)
    assert finding.tools == ["Grype", "Trivy"]


def test_the_same_finding_twice_in_a_report_keeps_the_highest_severity_and_every_tool(personas):
    result = run(
        personas, [dep(1, severity="low"), dep(1, severity="critical", tool="Grype"), dep(1, severity="medium")]
    )

    finding = Finding.objects.get()
    assert (result.counts.total, finding.severity) == (1, "critical")
    assert finding.tools == ["Grype", "Trivy"]


def test_duplicates_in_different_batches_are_one_finding(personas, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)

    result = run(personas, [dep(1, severity="low"), dep(2), dep(3), dep(1, severity="critical", tool="Grype")])

    assert (result.counts.total, result.counts.new, result.counts.unchanged) == (3, 3, 0)
    finding = Finding.objects.get(vulnerability_id="CVE-2024-10001")
    assert (finding.severity, finding.tools) == ("critical", ["Grype", "Trivy"])


def _queries(personas: Any, n: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        run(personas, [dep(i) for i in range(n)], component=personas.world["billing"], actor=personas.admin)
    return len(ctx.captured_queries)


def _per_batch() -> int:
    """New findings: on PostgreSQL one COPY for the whole import; on SQLite one INSERT per batch."""
    return 0 if connection.vendor == "postgresql" else 1


def test_queries_grow_with_the_number_of_batches_not_findings(personas):
    small = _queries(personas, 500)
    Finding.objects.all().delete()

    large = _queries(personas, 5000)

    assert large == small + (math.ceil(5000 / imports.BATCH_SIZE) - 1) * _per_batch()


def test_reimport_queries_do_not_grow_with_the_findings(personas):
    """Known findings are read once per import; the unchanged ones are touched by one UPDATE per 10,000."""
    _queries(personas, 500)
    small = _queries(personas, 500)
    Finding.objects.all().delete()
    _queries(personas, 5000)

    large = _queries(personas, 5000)

    assert large == small


def test_a_report_broken_after_many_findings_leaves_the_database_unchanged(personas, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 100)
    run(personas, [dep(1), dep(2)])
    before = (Finding.objects.count(), Scan.objects.count(), AuditEvent.objects.count())

    with pytest.raises(ParseError, match=r"handmade: not valid JSON at line 1001"):
        run(personas, [dep(n) for n in range(1000)], tail=b'{"title": "trunc')

    after = (Finding.objects.count(), Scan.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert Finding.objects.filter(state=FindingState.MITIGATED).count() == 0


def test_dry_run_counts_without_writing(personas):
    run(personas, [dep(1), dep(2)])
    before = (Finding.objects.count(), Scan.objects.count(), AuditEvent.objects.count())

    result = run(personas, [dep(1), dep(3)], dry_run=True)

    assert result.scan is None
    assert (result.counts.new, result.counts.unchanged, result.counts.mitigated) == (1, 1, 1)
    assert (Finding.objects.count(), Scan.objects.count(), AuditEvent.objects.count()) == before
    assert Finding.objects.filter(state=FindingState.MITIGATED).count() == 0


def test_developer_may_not_import_for_another_teams_component(personas):
    with pytest.raises(AccessDenied):
        run(personas, [dep(1)], component=personas.world["billing"], actor=personas.developer)

    assert Scan.objects.count() == 0


def test_developer_imports_for_their_teams_component(personas):
    result = run(personas, [dep(1)], actor=personas.developer)

    assert result.scan.created_by == personas.developer


def test_an_unknown_format_name_lists_the_known_ones(personas):
    with pytest.raises(ParseError) as raised:
        run(personas, [dep(1)], fmt="nessus")

    assert raised.value.format == "nessus"
    assert "use one of: " in raised.value.message and "handmade" in raised.value.message
    assert Scan.objects.count() == 0


def test_an_empty_report_is_detected_and_imports_zero_findings(personas):
    result = scan_import(
        source=io.BytesIO(b"  null\n"),
        file_name="empty.json",
        component=personas.world["core_api"],
        release_line=None,
        actor=personas.triager,
    )

    assert result.scan is not None
    assert (result.format, result.counts.total, result.scan.status) == ("empty", 0, ScanStatus.DONE)


def test_an_unrecognised_report_is_a_parse_error(personas):
    with pytest.raises(ParseError, match="the format could not be recognised"):
        scan_import(
            source=io.BytesIO(b"<nothing-we-know/>"),
            file_name="x.xml",
            component=personas.world["core_api"],
            release_line=None,
            actor=personas.triager,
        )


def test_an_existing_decision_is_attached_to_new_findings_of_its_key(personas):
    decision = TriageDecision.objects.create(
        component=personas.world["core_api"],
        key="dep:CVE-2024-10001|pkg:pypi/package-1",
        state=DecisionState.FALSE_POSITIVE,
        reason="not reachable",
        decided_by=personas.triager,
    )

    run(personas, [dep(1), dep(2)])

    assert Finding.objects.get(vulnerability_id="CVE-2024-10001").decision == decision
    assert Finding.objects.get(vulnerability_id="CVE-2024-10002").decision is None


def test_a_false_positive_stays_attached_when_the_finding_regresses(personas):
    run(personas, [dep(1)])
    decision = TriageDecision.objects.create(
        component=personas.world["core_api"],
        key="dep:CVE-2024-10001|pkg:pypi/package-1",
        state=DecisionState.FALSE_POSITIVE,
        reason="test code",
        decided_by=personas.triager,
    )
    run(personas, [])

    run(personas, [dep(1)])

    finding = Finding.objects.get()
    assert (finding.decision, finding.is_regression) == (decision, True)
    assert TriageDecision.objects.get().state == DecisionState.FALSE_POSITIVE


def test_active_suppressions_apply_at_import_and_are_counted(personas):
    rule = Suppression.objects.create(
        purl_pattern="pkg:pypi/package-1*",
        reason="vendored",
        created_by=personas.admin,
        component=personas.world["core_api"],
    )
    Suppression.objects.create(
        vulnerability_id="CVE-2024-10002", reason="x", created_by=personas.admin, revoked_at="2020-01-01T00:00:00Z"
    )

    result = run(personas, [dep(1), dep(2), dep(10)])

    assert result.counts.suppressed == 2
    assert set(Finding.objects.filter(suppressed_by=rule).values_list("package_name", flat=True)) == {
        "package-1",
        "package-10",
    }


def test_sbom_components_replace_the_targets_inventory(personas):
    run(personas, [component("django", "4.2"), component("requests")])

    result = run(personas, [component("django", "5.0"), dep(1)])

    assert result.counts.components == 1
    assert list(InventoryComponent.objects.values_list("name", "version")) == [("django", "5.0")]


def test_a_report_without_packages_leaves_the_inventory_alone(personas):
    run(personas, [component("django", "4.2")])

    run(personas, [dep(1)])

    assert InventoryComponent.objects.count() == 1


def test_progress_reports_bytes_and_findings(personas):
    calls: list[tuple[int, int]] = []

    run(personas, [dep(n) for n in range(5)], progress=lambda done, found: calls.append((done, found)))

    assert calls[-1] == (len(report([dep(n) for n in range(5)]).getvalue()), 5)


def test_scan_row_is_done_with_sha256_of_the_file(personas):
    import hashlib

    data = report([dep(1)]).getvalue()
    result = run(personas, [dep(1)])

    assert result.scan.status == ScanStatus.DONE
    assert result.scan.file_sha256 == hashlib.sha256(data).hexdigest()


# --- the real importers on the shared fixtures ---------------------------------------------------------------


def _import_fixture(personas: Any, data: bytes, fmt: str | None = None) -> Any:
    return scan_import(
        source=io.BytesIO(data),
        file_name="report.json",
        component=personas.world["core_api"],
        release_line=None,
        fmt=fmt,
        actor=personas.triager,
    )


def test_a_real_trivy_report_imported_twice_adds_nothing_the_second_time(personas):
    data = shared_fixture("scanners", "trivy", "misconfigurations_and_secrets.json").read_bytes()
    first = _import_fixture(personas, data, "trivy")

    second = _import_fixture(personas, data, "trivy")

    assert first.counts.new == 5
    assert (second.counts.new, second.counts.unchanged, second.counts.mitigated) == (0, 5, 0)


def test_real_trivy_and_grype_reports_of_one_cve_in_one_package_make_one_finding(personas):
    grype = orjson.loads(shared_fixture("scanners", "anchore_grype", "check_all_fields.json").read_bytes())
    match = grype["matches"][0]  # a real Grype match, moved onto the package and CVE Trivy reports
    match["vulnerability"]["id"] = "GHSA-q2q7-5pp4-w6pg"
    match["relatedVulnerabilities"][0]["id"] = "CVE-2021-33503"
    match["artifact"].update(name="urllib3", version="1.26.3", type="python", purl="pkg:pypi/urllib3@1.26.3")
    grype["matches"] = [match]
    trivy = shared_fixture("scanners", "trivy", "misconfigurations_and_secrets.json").read_bytes()
    _import_fixture(personas, trivy, "trivy")

    result = _import_fixture(personas, orjson.dumps(grype), "grype")

    finding = Finding.objects.get(vulnerability_id="CVE-2021-33503")
    assert (result.counts.new, result.counts.unchanged) == (0, 1)
    assert len({tool.lower() for tool in finding.tools}) == 2
