"""A CycloneDX VEX statement in an imported report becomes a triage decision of the component (issue 6): the parser
reads it, ``decisions_from_vex`` records it, and ``scan_import`` does both."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.access.permissions import Permission
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.fixtures import shared_fixture
from garrison.disclosure.status import (
    CYCLONEDX_JUSTIFICATION,
    CYCLONEDX_STATE,
    FROM_CYCLONEDX_JUSTIFICATION,
    FROM_CYCLONEDX_STATE,
    ProductStatus,
)
from garrison.findings.importers import ParsedFinding, VexAnalysis
from garrison.findings.importers.cyclonedx import parse_json, parse_xml
from garrison.findings.models import DecisionState, Finding, Scan, TriageDecision
from garrison.findings.services import decision_set, scan_import, triage
from garrison.findings.services.triage import decisions_from_vex
from garrison.findings.tests.handmade import dep, handmade_format, report

JACKSON_DETAIL = (
    "Automated dataflow analysis and manual code review indicates that the vulnerable code is not reachable, "
    "either directly or indirectly."
)
EXAMPLE_DETAIL = "An optional explanation of why the application is not affected by the vulnerable component."


def _parsed(parser: Any, *parts: str, replace: tuple[bytes, bytes] | None = None) -> list[ParsedFinding]:
    data = shared_fixture(*parts).read_bytes()
    if replace is not None:
        data = data.replace(*replace)
    return [item for item in parser(io.BytesIO(data)) if isinstance(item, ParsedFinding)]


# --- parser ------------------------------------------------------------------------------------------------------


@pytest.mark.fixtures
def test_the_vex_document_gives_its_analysis():
    (finding,) = _parsed(parse_json, "vex", "cyclonedx", "vex.json")

    assert finding.vex == VexAnalysis(state="not_affected", justification="code_not_reachable", detail=JACKSON_DETAIL)


@pytest.mark.fixtures
@pytest.mark.parametrize(
    ("parser", "name"), [(parse_json, "valid-vulnerability-1.4.json"), (parse_xml, "valid-vulnerability-1.4.xml")]
)
def test_json_and_xml_reports_give_the_same_analysis(parser, name):
    (finding,) = _parsed(parser, "scanners", "cyclonedx", name)

    assert finding.vex == VexAnalysis(state="not_affected", justification="code_not_reachable", detail=EXAMPLE_DETAIL)


@pytest.mark.fixtures
def test_the_description_keeps_the_statement():
    (finding,) = _parsed(parse_xml, "scanners", "cyclonedx", "valid-vulnerability-1.4.xml")

    assert finding.description.endswith(f"{EXAMPLE_DETAIL}\n\nVEX analysis: not_affected (code_not_reachable)")


@pytest.mark.fixtures
def test_a_state_alone_gives_empty_justification_and_detail():
    findings = _parsed(parse_json, "scanners", "cyclonedx", "log4j.json")

    assert [f.vex for f in findings] == [VexAnalysis(state="in_triage")] * 8


@pytest.mark.fixtures
def test_a_report_without_analysis_has_no_vex():
    findings = _parsed(parse_json, "sbom", "cyclonedx", "trivy-pom-cyclonedx.1.5.json")

    assert [f.vex for f in findings] == [None, None]


@pytest.mark.fixtures
@pytest.mark.parametrize("version", [b"1.5", b"1.6"])
def test_xml_of_later_spec_versions_gives_the_analysis(version):
    (finding,) = _parsed(
        parse_xml,
        *("scanners", "cyclonedx", "valid-vulnerability-1.4.xml"),
        replace=(b"http://cyclonedx.org/schema/bom/1.4", b"http://cyclonedx.org/schema/bom/" + version),
    )

    assert finding.vex == VexAnalysis(state="not_affected", justification="code_not_reachable", detail=EXAMPLE_DETAIL)


@pytest.mark.fixtures
def test_an_analysis_without_a_state_is_no_statement():
    (finding,) = _parsed(
        parse_json,
        *("scanners", "cyclonedx", "valid-vulnerability-1.4.json"),
        replace=(b'"state": "not_affected",', b""),
    )

    assert finding.vex is None


# --- the table (garrison.disclosure.status) ------------------------------------------------------------------------


def _schema_enum(version: str, name: str) -> list[str]:
    schema = orjson.loads(shared_fixture("schemas", "cyclonedx", f"bom-{version}.schema.json").read_bytes())
    return schema["definitions"][name]["enum"]


@pytest.mark.fixtures
@pytest.mark.parametrize("version", ["1.4", "1.5", "1.6"])
def test_every_state_and_justification_of_the_official_schemas_is_read(version):
    states = set(_schema_enum(version, "impactAnalysisState"))
    justifications = set(_schema_enum(version, "impactAnalysisJustification"))

    assert states - set(FROM_CYCLONEDX_STATE) == {"false_positive"}  # not a product status: findings map it
    assert justifications == set(FROM_CYCLONEDX_JUSTIFICATION)


def test_what_we_export_reads_back_as_itself():
    assert {status: FROM_CYCLONEDX_STATE[state] for status, state in CYCLONEDX_STATE.items()} == {
        s: s for s in ProductStatus
    }
    assert all(FROM_CYCLONEDX_JUSTIFICATION[word] == j for j, word in CYCLONEDX_JUSTIFICATION.items())


# --- decisions_from_vex, called directly ---------------------------------------------------------------------------


def _import(personas: Any, items: list[dict[str, Any]], component: str = "core_api", **options: Any) -> Scan:
    result = scan_import(
        source=report(items),
        file_name=options.pop("file_name", "report.jsonl"),
        component=personas.world[component],
        release_line=options.pop("release_line", None),
        fmt="handmade",
        actor=personas.admin,
    )
    assert result.scan is not None
    return Scan.objects.get(pk=result.scan.pk)  # fresh: nothing cached on it


def _key(n: int) -> str:
    """The decision key of dep(n)'s findings (the same in every component and release line)."""
    findings = Finding.objects.filter(vulnerability_id=f"CVE-2024-{10000 + n}")
    (key,) = set(findings.values_list("decision_key", flat=True))
    return key


def _not_affected(detail: str = "only the CLI uses it") -> VexAnalysis:
    return VexAnalysis(state="not_affected", justification="code_not_reachable", detail=detail)


@pytest.mark.django_db
@pytest.mark.usefixtures(handmade_format.__name__)
class TestDecisionsFromVex:
    @pytest.mark.parametrize(
        ("state", "justification", "expected"),
        [
            ("not_affected", "code_not_reachable", ("not_affected", "vulnerable_code_not_in_execute_path")),
            ("not_affected", "code_not_present", ("not_affected", "vulnerable_code_not_present")),
            ("not_affected", "requires_dependency", ("not_affected", "component_not_present")),
            (
                "not_affected",
                "requires_configuration",
                ("not_affected", "vulnerable_code_cannot_be_controlled_by_adversary"),
            ),
            ("not_affected", "protected_by_compiler", ("not_affected", "inline_mitigations_already_exist")),
            ("not_affected", "protected_by_mitigating_control", ("not_affected", "inline_mitigations_already_exist")),
            ("not_affected", "", ("under_investigation", "")),
            ("not_affected", "because_we_say_so", ("under_investigation", "")),
            ("exploitable", "", ("affected", "")),
            ("in_triage", "", ("under_investigation", "")),
            ("false_positive", "code_not_present", ("false_positive", "")),
            ("resolved", "", ("not_affected", "vulnerable_code_not_present")),
            ("resolved_with_pedigree", "", ("not_affected", "vulnerable_code_not_present")),
            (" Exploitable ", "", ("affected", "")),
        ],
    )
    def test_the_state_and_justification_map_to_ours(self, personas, state, justification, expected):
        scan = _import(personas, [dep(1)])

        recorded = decisions_from_vex(
            scan=scan, statements={_key(1): VexAnalysis(state, justification)}, actor=personas.triager
        )

        decision = TriageDecision.objects.get()
        assert (recorded, (decision.state, decision.justification)) == (1, expected)
        assert (decision.decided_by, decision.component) == (personas.triager, personas.world["core_api"])

    def test_an_unknown_state_is_ignored(self, personas):
        scan = _import(personas, [dep(1)])

        recorded = decisions_from_vex(
            scan=scan, statements={_key(1): VexAnalysis("will_not_fix")}, actor=personas.triager
        )

        assert (recorded, TriageDecision.objects.count()) == (0, 0)
        assert not AuditEvent.objects.filter(action=AuditAction.DECISION_SET).exists()

    def test_the_reason_names_the_file_the_statement_and_its_detail(self, personas):
        scan = _import(personas, [dep(1), dep(2)], file_name="app.cdx.json")

        decisions_from_vex(
            scan=scan,
            statements={_key(1): _not_affected("  Only the\n CLI uses it. "), _key(2): VexAnalysis("exploitable")},
            actor=personas.triager,
        )

        reasons = dict(TriageDecision.objects.values_list("key", "reason"))
        assert reasons == {
            _key(1): "VEX statement in app.cdx.json (not_affected, code_not_reachable): Only the CLI uses it.",
            _key(2): "VEX statement in app.cdx.json (exploitable)",
        }

    def test_without_a_file_name_the_reason_names_the_format(self, personas):
        scan = _import(personas, [dep(1)], file_name="")

        decisions_from_vex(scan=scan, statements={_key(1): VexAnalysis("in_triage")}, actor=personas.triager)

        assert TriageDecision.objects.get().reason == "VEX statement in handmade (in_triage)"

    def test_a_long_detail_is_cut(self, personas):
        scan = _import(personas, [dep(1)])

        decisions_from_vex(scan=scan, statements={_key(1): _not_affected("word " * 1000)}, actor=personas.triager)

        reason = TriageDecision.objects.get().reason
        assert (len(reason), reason[-1]) == (2000, "\u2026")
        assert reason.startswith("VEX statement in report.jsonl (not_affected, code_not_reachable): word word")

    def test_every_finding_of_the_component_with_the_key_is_linked(self, personas):
        scan = _import(personas, [dep(1), dep(2)])
        _import(personas, [dep(1)], release_line=personas.world["quesnelia"])
        _import(personas, [dep(1)], component="billing")

        decisions_from_vex(scan=scan, statements={_key(1): _not_affected()}, actor=personas.triager)

        decision = TriageDecision.objects.get()
        linked = Finding.objects.filter(decision=decision)
        assert (linked.count(), set(linked.values_list("component__name", flat=True))) == (2, {"core-api"})
        assert Finding.objects.filter(decision__isnull=True).count() == 2  # dep(2), and billing's dep(1)

    def test_a_persons_decision_is_left_alone(self, personas):
        scan = _import(personas, [dep(1), dep(2)])
        mine = decision_set(
            finding=Finding.objects.get(vulnerability_id="CVE-2024-10001"),
            state="affected",
            reason="fix planned",
            actor=personas.security_lead,
        )

        recorded = decisions_from_vex(
            scan=scan, statements={_key(1): _not_affected(), _key(2): _not_affected()}, actor=personas.triager
        )

        mine_now = TriageDecision.objects.get(pk=mine.pk)
        assert recorded == 1
        assert (mine_now.state, mine_now.reason, mine_now.decided_by) == (
            "affected",
            "fix planned",
            personas.security_lead,
        )
        assert Finding.objects.get(vulnerability_id="CVE-2024-10001").decision_id == mine.pk

    def test_an_earlier_reports_statement_is_left_alone(self, personas):
        first = _import(personas, [dep(1)], file_name="first.json")
        decisions_from_vex(scan=first, statements={_key(1): VexAnalysis("in_triage")}, actor=personas.triager)
        second = _import(personas, [dep(1)], file_name="second.json")

        recorded = decisions_from_vex(scan=second, statements={_key(1): _not_affected()}, actor=personas.triager)

        decision = TriageDecision.objects.get()
        assert (recorded, decision.state, decision.reason) == (
            0,
            "under_investigation",
            "VEX statement in first.json (in_triage)",
        )

    @pytest.mark.parametrize(
        ("persona", "component"), [("developer", "billing"), ("auditor", "core_api"), ("outsider", "core_api")]
    )
    def test_nothing_is_recorded_for_someone_who_may_not_triage_the_component(self, personas, persona, component):
        scan = _import(personas, [dep(1)], component=component)

        recorded = decisions_from_vex(
            scan=scan, statements={_key(1): _not_affected()}, actor=getattr(personas, persona)
        )

        assert (recorded, TriageDecision.objects.count()) == (0, 0)
        assert Finding.objects.get().decision_id is None
        assert not AuditEvent.objects.filter(action=AuditAction.DECISION_SET).exists()

    def test_a_pipeline_token_that_may_only_import_records_nothing(self, personas):
        scan = _import(personas, [dep(1)])
        pipeline = personas.triager
        pipeline.token_scopes = frozenset({Permission.SCAN_IMPORT})

        recorded = decisions_from_vex(scan=scan, statements={_key(1): _not_affected()}, actor=pipeline)

        assert (recorded, TriageDecision.objects.count()) == (0, 0)

    @pytest.mark.parametrize("actor", [None, "anonymous"])
    def test_nothing_is_recorded_without_a_signed_in_user(self, personas, actor):
        from django.contrib.auth.models import AnonymousUser

        scan = _import(personas, [dep(1)])

        recorded = decisions_from_vex(
            scan=scan, statements={_key(1): _not_affected()}, actor=AnonymousUser() if actor else None
        )

        assert (recorded, TriageDecision.objects.count()) == (0, 0)

    def test_one_audit_event_for_the_whole_import(self, personas):
        scan = _import(personas, [dep(1), dep(2), dep(3)])

        decisions_from_vex(
            scan=scan,
            statements={_key(1): _not_affected(), _key(2): _not_affected(), _key(3): VexAnalysis("exploitable")},
            actor=personas.triager,
        )

        event = AuditEvent.objects.get(action=AuditAction.DECISION_SET)
        assert (event.target_type, event.target_id, event.actor_id) == (
            "findings.scan",
            str(scan.pk),
            personas.triager.pk,
        )
        assert event.data == {
            "source": "vex",
            "component": str(personas.world["core_api"].pk),
            "decisions": 3,
            "states": {"not_affected": 2, "affected": 1},
        }

    def test_queries_do_not_grow_with_the_number_of_statements(self, personas):
        few = _import(personas, [dep(i) for i in range(3)])
        many = _import(personas, [dep(i) for i in range(30)], component="billing")
        few_statements = {_key(i): _not_affected() for i in range(3)}
        many_statements = {_key(i): _not_affected() for i in range(30)}

        with CaptureQueriesContext(connection) as small:
            assert decisions_from_vex(scan=few, statements=few_statements, actor=personas.security_lead) == 3
        with CaptureQueriesContext(connection) as large:
            assert decisions_from_vex(scan=many, statements=many_statements, actor=personas.security_lead) == 30

        assert len(large.captured_queries) == len(small.captured_queries)
        assert Finding.objects.filter(decision__isnull=False).count() == 33

    def test_keys_beyond_one_chunk_are_all_recorded_and_linked(self, personas, monkeypatch):
        monkeypatch.setattr(triage, "VEX_CHUNK", 2)
        scan = _import(personas, [dep(i) for i in range(5)])
        decision_set(
            finding=Finding.objects.get(vulnerability_id="CVE-2024-10002"),
            state="affected",
            reason="fix planned",
            actor=personas.triager,
        )

        recorded = decisions_from_vex(
            scan=scan, statements={_key(i): _not_affected() for i in range(5)}, actor=personas.triager
        )

        assert recorded == 4
        assert TriageDecision.objects.filter(state=DecisionState.NOT_AFFECTED).count() == 4
        assert Finding.objects.filter(decision__state=DecisionState.NOT_AFFECTED).count() == 4

    def test_no_statements_cost_no_query(self, personas):
        scan = _import(personas, [dep(1)])

        with CaptureQueriesContext(connection) as ctx:
            assert decisions_from_vex(scan=scan, statements={}, actor=personas.triager) == 0

        assert len(ctx.captured_queries) == 0


# --- end to end ----------------------------------------------------------------------------------------------------


@pytest.mark.fixtures
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parts", "detail"),
    [
        (("vex", "cyclonedx", "vex.json"), JACKSON_DETAIL),
        (("scanners", "cyclonedx", "valid-vulnerability-1.4.xml"), EXAMPLE_DETAIL),
    ],
)
def test_importing_a_real_vex_report_records_its_decision(personas, parts, detail):
    with shared_fixture(*parts).open("rb") as source:
        scan_import(
            source=source,
            file_name=parts[-1],
            component=personas.world["core_api"],
            release_line=None,
            actor=personas.triager,
        )

    finding = Finding.objects.select_related("decision").get()
    assert finding.decision is not None
    assert (finding.decision.state, finding.decision.justification, finding.decision.reason) == (
        "not_affected",
        "vulnerable_code_not_in_execute_path",
        f"VEX statement in {parts[-1]} (not_affected, code_not_reachable): {detail}",
    )
    assert finding.description.endswith("VEX analysis: not_affected (code_not_reachable)")
    event = AuditEvent.objects.get(action=AuditAction.DECISION_SET)
    assert (event.target_id, event.data["decisions"]) == (str(finding.last_seen_scan_id), 1)
