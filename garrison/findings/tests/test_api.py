"""The findings API: uploads (sync, queued, refused), lists with filters and cursors, triage, suppressions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import api_client, make_token
from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.models import (
    DecisionState,
    Finding,
    FindingState,
    Kind,
    Scan,
    ScanStatus,
    Severity,
    Suppression,
    TriageDecision,
    target_key,
)
from garrison.org.models import Component

TRIVY = ("scanners", "trivy", "issue_9092.json")


def errors(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def upload(user: Any, content: bytes, name: str = "report.json", **fields: Any) -> Any:
    """POST /api/v1/scans as multipart, the way a pipeline sends it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    data = {"file": SimpleUploadedFile(name, content), **fields}
    return client.post("/api/v1/scans", data, headers={"Authorization": f"Bearer {make_token(user)}"})


def add_finding(component: Component, n: int, **fields: Any) -> Finding:
    """A finding with its scan and source, written directly (test set-up, not an application path)."""
    tool = fields.pop("tool", "Trivy")
    key = target_key(component.pk, fields.get("release_line_id"), "")
    scan = Scan.objects.create(component=component, target_key=key, format="trivy", status=ScanStatus.DONE)
    values: dict[str, Any] = {
        "kind": Kind.DEPENDENCY,
        "title": f"finding {n}",
        "severity": Severity.HIGH,
        "vulnerability_id": f"CVE-2026-{n:05d}",
        "package_key": "pkg:pypi/certifi",
        "decision_key": f"dep:CVE-2026-{n:05d}|pkg:pypi/certifi",
        **fields,
    }
    finding = Finding.objects.create(
        component=component,
        target_key=key,
        fingerprint=f"{n:064x}",
        first_seen_scan=scan,
        last_seen_scan=scan,
        tools=[tool],
        **values,
    )
    return finding


# --- uploads ---------------------------------------------------------------------------------------------------


def test_small_report_is_imported_at_once_with_counts(personas):
    report = shared_fixture(*TRIVY).read_bytes()
    response = upload(personas.triager, report, "trivy.json", component="core-api")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["format"], body["component"]["name"]) == ("done", "trivy", "core-api")
    assert body["counts"] == {
        "total": 1,
        "new": 1,
        "unchanged": 0,
        "mitigated": 0,
        "regressed": 0,
        "suppressed": 0,
        "components": 0,
    }
    assert list(Finding.objects.values_list("vulnerability_id", flat=True)) == ["CVE-2023-37920"]


def test_truncated_report_is_422_on_file_and_stores_nothing(personas):
    report = shared_fixture(*TRIVY).read_bytes()
    response = upload(personas.triager, report[: len(report) // 2], "trivy.json", component="core-api")
    assert response.status_code == 422
    message = errors(response)["file"]
    assert re.fullmatch(r"trivy: not valid JSON \(.+\) at .+", message), message  # format, problem, position
    assert (Scan.objects.count(), Finding.objects.count()) == (0, 0)


HOSTILE_TRIVY = (
    b'{"SchemaVersion": 2, "Results": [{"Target": "t", "Class": "lang-pkgs", "Type": "pip", "Vulnerabilities": ['
    b'{"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "Description": "x\\\\uD800\\uDC00"}]}]}'
)


def test_a_lone_surrogate_is_422_not_a_crash(personas):
    """PostgreSQL and UTF-8 cannot hold it; hidden behind an escaped backslash it once reached the database."""
    response = upload(personas.triager, HOSTILE_TRIVY, "trivy.json", component="core-api")
    assert response.status_code == 422
    assert "lone UTF-16 surrogate" in errors(response)["file"]
    assert (Scan.objects.count(), Finding.objects.count()) == (0, 0)


def test_a_queued_report_that_cannot_be_read_fails_its_scan(personas, settings, django_capture_on_commit_callbacks):
    settings.GARRISON_SYNC_IMPORT_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(personas.triager, HOSTILE_TRIVY, "trivy.json", component="core-api")
    polled = api_client(personas.triager).get(f"/api/v1/scans/{response.json()['id']}").json()
    assert (polled["status"], Finding.objects.count()) == ("failed", 0)
    assert "lone UTF-16 surrogate" in polled["error"]


def test_dry_run_counts_and_stores_nothing(personas):
    response = upload(personas.triager, b"[]", component="core-api", dry_run="true")
    assert response.status_code == 200
    assert response.json()["counts"]["total"] == 0
    assert response.json()["dry_run"] is True
    assert Scan.objects.count() == 0


def test_large_report_is_queued_then_imported_by_the_worker(personas, settings, django_capture_on_commit_callbacks):
    settings.GARRISON_SYNC_IMPORT_BYTES = 10
    report = shared_fixture(*TRIVY).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(personas.triager, report, "trivy.json", component=str(personas.world["core_api"].pk))
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    polled = api_client(personas.triager).get(f"/api/v1/scans/{response.json()['id']}")
    assert polled.json()["status"] == "done"
    assert polled.json()["counts"]["new"] == 1


def test_upload_without_a_file_is_422_naming_file(personas):
    response = api_client(personas.triager).post("/api/v1/scans", {})
    assert response.status_code == 422
    assert list(errors(response)) == ["file"]


def test_upload_to_an_unknown_component_is_422_naming_it(personas):
    response = upload(personas.triager, b"[]", component="no-such-thing")
    assert response.status_code == 422
    assert errors(response) == {"component": "no component 'no-such-thing'"}


def test_upload_above_the_limit_is_413_and_stores_nothing(personas, settings):
    settings.GARRISON_MAX_UPLOAD_BYTES = 4
    response = upload(personas.triager, b"[]   \n", component="core-api")
    assert response.status_code == 413
    assert Scan.objects.count() == 0


def test_developer_imports_into_own_component_but_not_billing(personas):
    assert upload(personas.developer, b"[]", component="core-api").status_code == 201
    denied = upload(personas.developer, b"[]", component="billing")
    assert denied.status_code == 403
    assert list(Scan.objects.values_list("component__name", flat=True)) == ["core-api"]


def test_auditor_may_not_upload(personas):
    assert upload(personas.auditor, b"[]", component="core-api").status_code == 403
    assert Scan.objects.count() == 0


def test_scan_list_filters_by_component(personas):
    add_finding(personas.world["core_api"], 1)
    add_finding(personas.world["billing"], 2)
    body = api_client(personas.auditor).get("/api/v1/scans", component="billing").json()
    assert [s["component"]["name"] for s in body["items"]] == ["billing"]


# --- findings --------------------------------------------------------------------------------------------------


def listed(user: Any, **params: Any) -> list[str]:
    response = api_client(user).get("/api/v1/findings", **params)
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


@pytest.fixture
def spread(personas):
    core, billing = personas.world["core_api"], personas.world["billing"]
    add_finding(core, 1, title="crit dep", severity=Severity.CRITICAL, aliases=["GHSA-aaaa-bbbb-cccc"])
    add_finding(core, 2, title="low code", severity=Severity.LOW, kind=Kind.CODE, package_key="", tool="Semgrep")
    add_finding(billing, 3, title="gone", state=FindingState.MITIGATED, package_key="pkg:npm/lodash")
    return personas


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, ["crit dep", "gone", "low code"]),
        ({"severity": ["critical", "low"]}, ["crit dep", "low code"]),
        ({"state": "mitigated"}, ["gone"]),
        ({"component": "billing"}, ["gone"]),
        ({"kind": "code"}, ["low code"]),
        ({"tool": "Semgrep"}, ["low code"]),
        ({"vulnerability_id": "GHSA-aaaa-bbbb-cccc"}, ["crit dep"]),
        ({"vulnerability_id": "CVE-2026-00003"}, ["gone"]),
        ({"package": "lodash"}, ["gone"]),
    ],
)
def test_finding_filters(spread, params, titles):
    assert listed(spread.auditor, **params) == titles


def test_suppressed_and_decision_filters(spread):
    api = api_client(spread.triager)
    crit = Finding.objects.get(title="crit dep")
    api.post(f"/api/v1/findings/{crit.pk}/decision", {"state": "false_positive", "reason": "test fixture"})
    api.post("/api/v1/suppressions", {"vulnerability_id": "CVE-2026-00002", "reason": "test code"})
    assert listed(spread.auditor, decision="false_positive") == ["crit dep"]
    assert listed(spread.auditor, suppressed="true") == ["low code"]
    assert listed(spread.auditor, suppressed="false") == ["crit dep", "gone"]


def test_pagination_walks_every_finding_once(personas):
    made = {str(add_finding(personas.world["core_api"], n).pk) for n in range(7)}
    api = api_client(personas.auditor)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/findings", **params).json()
        seen.extend(item["id"] for item in body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert (pages, len(seen), set(seen)) == (3, 7, made)


def test_finding_list_query_count_does_not_grow(personas, django_assert_num_queries):
    api = api_client(personas.auditor)
    for n in range(3):
        add_finding(personas.world["core_api"], n)
    api.get("/api/v1/findings")  # warm the token's first-use bookkeeping
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/findings").json()["items"]) == 3
    for n in range(3, 30):
        add_finding(personas.world["core_api"], n)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/findings").json()["items"]) == 30


def test_finding_detail_has_its_tools_and_decision(personas):
    finding = add_finding(personas.world["core_api"], 1)
    api = api_client(personas.developer)
    response = api.post(
        f"/api/v1/findings/{finding.pk}/decision",
        {"state": "not_affected", "justification": "vulnerable_code_not_in_execute_path", "reason": "never called"},
    )
    assert response.status_code == 200
    body = api.get(f"/api/v1/findings/{finding.pk}").json()
    assert body["tools"] == ["Trivy"]
    assert body["decision_state"] == "not_affected"
    assert body["decision"]["key"] == "dep:CVE-2026-00001|pkg:pypi/certifi"
    assert body["decision"]["decided_by"]["email"] == "dev@example.org"
    assert body["decision"]["justification"] == "vulnerable_code_not_in_execute_path"


def test_decision_is_audited(personas):
    finding = add_finding(personas.world["core_api"], 1)
    api_client(personas.triager).post(
        f"/api/v1/findings/{finding.pk}/decision", {"state": "affected", "reason": "reachable"}
    )
    decision = TriageDecision.objects.get()
    assert (decision.state, decision.reason) == (DecisionState.AFFECTED, "reachable")
    assert AuditEvent.objects.filter(action=AuditAction.DECISION_SET, target_id=str(decision.pk)).exists()


def test_decision_without_reason_is_422_and_changes_nothing(personas):
    finding = add_finding(personas.world["core_api"], 1)
    response = api_client(personas.triager).post(f"/api/v1/findings/{finding.pk}/decision", {"state": "affected"})
    assert response.status_code == 422
    assert list(errors(response)) == ["reason"]
    assert not TriageDecision.objects.exists()


def test_developer_may_not_triage_billing(personas):
    finding = add_finding(personas.world["billing"], 1)
    response = api_client(personas.developer).post(
        f"/api/v1/findings/{finding.pk}/decision", {"state": "false_positive", "reason": "nope"}
    )
    assert response.status_code == 403
    assert not TriageDecision.objects.exists()


def test_finding_of_an_invisible_component_is_404(personas):
    from garrison.access.models import ClassificationLabel
    from garrison.org.models import Team

    secret = ClassificationLabel.objects.get(name="Secret")
    hidden = Component.objects.create(
        name="hidden", responsible_team=Team.objects.create(name="Hidden"), classification=secret
    )
    finding = add_finding(hidden, 1, title="do not show")
    api = api_client(personas.admin)
    assert api.get(f"/api/v1/findings/{finding.pk}").status_code == 404
    assert "do not show" not in api.get("/api/v1/findings").content.decode()


# --- suppressions ----------------------------------------------------------------------------------------------


def test_suppression_create_list_and_revoke(personas):
    finding = add_finding(personas.world["core_api"], 1)
    api = api_client(personas.triager)
    created = api.post(
        "/api/v1/suppressions",
        {"vulnerability_id": finding.vulnerability_id, "component": "core-api", "reason": "dev only"},
    )
    assert created.status_code == 201
    rule_id = created.json()["id"]
    assert created.json()["component"]["name"] == "core-api"
    finding.refresh_from_db()
    assert str(finding.suppressed_by_id) == rule_id
    assert [r["id"] for r in api.get("/api/v1/suppressions").json()["items"]] == [rule_id]
    assert api.delete(f"/api/v1/suppressions/{rule_id}").status_code == 204
    finding.refresh_from_db()
    assert finding.suppressed_by_id is None
    assert Suppression.objects.get().revoked_at is not None


def test_suppression_needs_a_match_field(personas):
    response = api_client(personas.triager).post("/api/v1/suppressions", {"reason": "everything"})
    assert response.status_code == 422
    assert list(errors(response)) == ["vulnerability_id"]
    assert not Suppression.objects.exists()


def test_developer_may_not_create_suppressions(personas):
    response = api_client(personas.developer).post("/api/v1/suppressions", {"rule_id": "x", "reason": "y"})
    assert response.status_code == 403
    assert not Suppression.objects.exists()
