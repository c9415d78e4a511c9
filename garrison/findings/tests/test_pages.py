"""The findings pages: who sees what, the filters and counts, triage, bulk actions, uploads, suppressions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from garrison.access.models import ClassificationLabel
from garrison.findings.models import DecisionState, Finding, Scan, ScanStatus, Severity, Suppression, TriageDecision
from garrison.findings.tests.test_api import add_finding
from garrison.org.models import Component, Team

PERSONAS = ["anonymous", "reporter", "outsider", "developer", "triager", "security_lead", "auditor", "admin"]
STAFF = {"developer", "triager", "security_lead", "auditor", "admin"}


def expected(persona: str, allowed: set[str]) -> int:
    return 302 if persona == "anonymous" else 200 if persona in allowed else 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["findings:finding_list", "findings:scan_list", "findings:suppression_list"])
def test_list_pages_by_role(personas, name, persona):
    assert personas.client(persona).get(reverse(name)).status_code == expected(persona, STAFF)


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_page_by_role(personas, persona):
    allowed = {"developer", "triager", "security_lead", "admin"}
    assert personas.client(persona).get(reverse("findings:scan_upload")).status_code == expected(persona, allowed)


@pytest.mark.parametrize("persona", PERSONAS)
def test_new_suppression_page_by_role(personas, persona):
    allowed = {"triager", "security_lead", "admin"}
    response = personas.client(persona).get(reverse("findings:suppression_create"))
    assert response.status_code == expected(persona, allowed)


def test_nav_links_to_findings_for_staff_only(personas):
    link = f'href="{reverse("findings:finding_list")}"'
    assert link in personas.client("auditor").get(reverse("org:component_list")).content.decode()
    assert link not in personas.client("outsider").get("/").content.decode()


# --- the list --------------------------------------------------------------------------------------------------


def test_list_counts_by_severity_follow_the_filter(personas):
    core, billing = personas.world["core_api"], personas.world["billing"]
    add_finding(core, 1, severity=Severity.CRITICAL)
    add_finding(core, 2, severity=Severity.LOW)
    add_finding(billing, 3, severity=Severity.CRITICAL)
    client = personas.client("auditor")
    everything = client.get(reverse("findings:finding_list")).content.decode()
    assert "Critical: 2" in everything
    assert "Low: 1" in everything
    only_core = client.get(reverse("findings:finding_list"), {"component": str(core.pk)}).content.decode()
    assert "Critical: 1" in only_core
    assert "finding 3" not in only_core


def test_list_filters_several_severities(personas):
    core = personas.world["core_api"]
    add_finding(core, 1, severity=Severity.CRITICAL, title="crit one")
    add_finding(core, 2, severity=Severity.LOW, title="low one")
    add_finding(core, 3, severity=Severity.MEDIUM, title="medium one")
    body = personas.client("auditor").get(reverse("findings:finding_list"), {"severity": ["critical", "low"]})
    text = body.content.decode()
    assert ("crit one" in text, "low one" in text, "medium one" in text) == (True, True, False)


def test_list_hides_findings_of_invisible_components(personas):
    secret = Component.objects.create(
        name="vault",
        responsible_team=Team.objects.create(name="Vault"),
        classification=ClassificationLabel.objects.get(name="Secret"),
    )
    add_finding(secret, 1, title="never shown")
    assert "never shown" not in personas.client("admin").get(reverse("findings:finding_list")).content.decode()


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("findings:finding_list")).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_the_same_for_3_and_30_findings(personas):
    client = personas.client("triager")
    for n in range(3):
        add_finding(personas.world["core_api"], n)
    client.get(reverse("findings:finding_list"))  # session and caches warm
    few = _list_queries(client)
    for n in range(3, 30):
        add_finding(personas.world["billing" if n % 2 else "core_api"], n)
    assert _list_queries(client) == few


def test_list_shows_bulk_actions_only_to_those_who_may_triage(personas):
    add_finding(personas.world["core_api"], 1)
    bulk = f'action="{reverse("findings:finding_bulk")}"'
    assert bulk in personas.client("developer").get(reverse("findings:finding_list")).content.decode()
    assert bulk not in personas.client("auditor").get(reverse("findings:finding_list")).content.decode()


# --- bulk actions ----------------------------------------------------------------------------------------------


def test_bulk_action_requires_a_reason(personas):
    finding = add_finding(personas.world["core_api"], 1)
    response = personas.client("triager").post(
        reverse("findings:finding_bulk"), {"action": "false_positive", "reason": "", "findings": [str(finding.pk)]}
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not TriageDecision.objects.exists()


def test_bulk_false_positive_decides_every_ticked_finding(personas):
    one = add_finding(personas.world["core_api"], 1)
    two = add_finding(personas.world["billing"], 2)
    response = personas.client("triager").post(
        reverse("findings:finding_bulk") + "?severity=high",
        {"action": "false_positive", "reason": "test data", "findings": [str(one.pk), str(two.pk)]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("findings:finding_list") + "?severity=high"
    states = set(Finding.objects.values_list("decision__state", flat=True))
    assert states == {DecisionState.FALSE_POSITIVE}


def test_bulk_suppress_creates_rules(personas):
    finding = add_finding(personas.world["core_api"], 1)
    response = personas.client("triager").post(
        reverse("findings:finding_bulk"), {"action": "suppress", "reason": "vendored", "findings": [str(finding.pk)]}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.suppressed_by is not None
    assert finding.suppressed_by.reason == "vendored"


def test_bulk_by_developer_on_another_teams_finding_changes_nothing(personas):
    finding = add_finding(personas.world["billing"], 1)
    response = personas.client("developer").post(
        reverse("findings:finding_bulk"), {"action": "false_positive", "reason": "x", "findings": [str(finding.pk)]}
    )
    assert response.status_code == 403
    assert not TriageDecision.objects.exists()


# --- one finding -----------------------------------------------------------------------------------------------


def test_detail_shows_the_tools_and_the_triage_form_where_allowed(personas):
    own = add_finding(personas.world["core_api"], 1)
    other = add_finding(personas.world["billing"], 2)
    dev = personas.client("developer")
    own_page = dev.get(reverse("findings:finding_detail", args=[own.pk])).content.decode()
    assert "Trivy" in own_page
    assert reverse("findings:finding_decide", args=[own.pk]) in own_page
    other_page = dev.get(reverse("findings:finding_detail", args=[other.pk])).content.decode()
    assert reverse("findings:finding_decide", args=[other.pk]) not in other_page
    auditor_page = personas.client("auditor").get(reverse("findings:finding_detail", args=[own.pk])).content.decode()
    assert reverse("findings:finding_decide", args=[own.pk]) not in auditor_page


def test_decision_from_the_page_and_where_it_came_from(personas):
    finding = add_finding(personas.world["core_api"], 1)
    client = personas.client("developer")
    response = client.post(
        reverse("findings:finding_decide", args=[finding.pk]), {"state": "affected", "reason": "reachable from /login"}
    )
    assert response.status_code == 302
    page = client.get(reverse("findings:finding_detail", args=[finding.pk])).content.decode()
    assert "reachable from /login" in page
    assert "dep:CVE-2026-00001|pkg:pypi/certifi" in page
    assert "Dev Eloper" in page


def test_decision_without_reason_is_422_and_changes_nothing(personas):
    finding = add_finding(personas.world["core_api"], 1)
    response = personas.client("triager").post(
        reverse("findings:finding_decide", args=[finding.pk]), {"state": "affected", "reason": ""}
    )
    assert response.status_code == 422
    assert not TriageDecision.objects.exists()


def test_detail_of_an_invisible_finding_is_404(personas):
    secret = Component.objects.create(
        name="vault",
        responsible_team=Team.objects.create(name="Vault"),
        classification=ClassificationLabel.objects.get(name="Secret"),
    )
    finding = add_finding(secret, 1)
    assert personas.client("admin").get(reverse("findings:finding_detail", args=[finding.pk])).status_code == 404


# --- scans and uploads -----------------------------------------------------------------------------------------


def _upload(client: Any, content: bytes, component: Component, **extra: Any) -> Any:
    data = {"file": SimpleUploadedFile("report.json", content), "component": str(component.pk), **extra}
    return client.post(reverse("findings:scan_upload"), data)


def test_upload_page_imports_and_shows_the_scan(personas):
    response = _upload(personas.client("developer"), b"[]", personas.world["core_api"])
    scan = Scan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("findings:scan_detail", args=[scan.pk])
    assert scan.status == ScanStatus.DONE


def test_upload_page_dry_run_stores_nothing(personas):
    response = _upload(personas.client("triager"), b"[]", personas.world["core_api"], dry_run="on")
    assert response.status_code == 200
    assert "nothing was stored" in response.content.decode()
    assert not Scan.objects.exists()


def test_upload_page_unreadable_report_is_an_error_on_the_file(personas):
    response = _upload(personas.client("triager"), b"{not a report", personas.world["core_api"])
    assert response.status_code == 422
    assert "the format could not be recognised" in response.content.decode()
    assert not Scan.objects.exists()


def test_upload_page_developer_may_not_import_into_billing(personas):
    response = _upload(personas.client("developer"), b"[]", personas.world["billing"])
    assert response.status_code == 403
    assert not Scan.objects.exists()


def test_scan_list_shows_per_scan_counts(personas):
    finding = add_finding(personas.world["core_api"], 1)
    Scan.objects.filter(pk=finding.first_seen_scan_id).update(total=17, new=5, mitigated=3)
    text = personas.client("auditor").get(reverse("findings:scan_list")).content.decode()
    assert '<td class="num">17</td><td class="num">5</td>' in text


def test_component_history_draws_a_line_per_count(personas):
    core = personas.world["core_api"]
    for n, total in enumerate([4, 9, 6]):
        finding = add_finding(core, n)
        Scan.objects.filter(pk=finding.first_seen_scan_id).update(total=total)
    response = personas.client("auditor").get(reverse("findings:component_history", args=[core.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('<polyline class="line total"') == 1
    assert "Reported: 9" in text
    assert ' style="' not in text  # the CSP allows no inline styles (nor scripts)


def test_component_history_of_an_invisible_component_is_404(personas):
    secret = Component.objects.create(
        name="vault",
        responsible_team=Team.objects.create(name="Vault"),
        classification=ClassificationLabel.objects.get(name="Secret"),
    )
    response = personas.client("admin").get(reverse("findings:component_history", args=[secret.pk]))
    assert response.status_code == 404


# --- suppressions ----------------------------------------------------------------------------------------------


def test_suppression_create_and_revoke_from_the_pages(personas):
    finding = add_finding(personas.world["core_api"], 1)
    client = personas.client("triager")
    response = client.post(
        reverse("findings:suppression_create"), {"vulnerability_id": finding.vulnerability_id, "reason": "not shipped"}
    )
    assert response.status_code == 302
    rule = Suppression.objects.get()
    finding.refresh_from_db()
    assert finding.suppressed_by_id == rule.pk
    assert client.post(reverse("findings:suppression_revoke", args=[rule.pk])).status_code == 302
    finding.refresh_from_db()
    assert finding.suppressed_by_id is None


def test_suppression_without_a_match_field_is_refused(personas):
    response = personas.client("triager").post(reverse("findings:suppression_create"), {"reason": "all of it"})
    assert response.status_code == 422
    assert not Suppression.objects.exists()
