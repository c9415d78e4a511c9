"""Regressions found in review: bad input that used to be a 500, and report text that must not become a link."""

from __future__ import annotations

import re

from django.urls import reverse

from garrison.access.models import ClassificationLabel
from garrison.core.tests.api_client import api_client
from garrison.findings.models import Finding, Suppression, TriageDecision
from garrison.findings.services.suppressions import glob_regex
from garrison.findings.tests.test_api import add_finding


def test_a_risk_acceptance_expiry_without_time_zone_is_422_and_changes_nothing(personas):
    finding = add_finding(personas.world["core_api"], 1)
    response = api_client(personas.security_lead).post(
        f"/api/v1/findings/{finding.pk}/decision",
        {"state": "risk_accepted", "reason": "mitigated upstream", "expires_at": "2026-12-01T00:00:00"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_at"
    assert TriageDecision.objects.count() == 0


def test_a_suppression_expiry_without_time_zone_is_422_and_stores_nothing(personas):
    response = api_client(personas.triager).post(
        "/api/v1/suppressions",
        {"vulnerability_id": "CVE-2026-00001", "reason": "test code", "expires_at": "2026-12-01T00:00:00"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_at"
    assert Suppression.objects.count() == 0


def test_a_bracket_inside_a_glob_set_is_a_literal_for_every_database():
    # PostgreSQL reads "[:", "[." and "[=" inside a set as POSIX classes and refuses unknown ones.
    assert glob_regex("a[[:x:]]") == r"^a[\[:x:]\]$"
    assert re.match(glob_regex("a[[:x:]]"), "a:]")


def test_a_suppression_with_a_posix_looking_set_is_created(personas):
    response = api_client(personas.triager).post(
        "/api/v1/suppressions", {"purl_pattern": "pkg:npm/[[.foo.]]*", "reason": "test code"}
    )
    assert response.status_code == 201


def test_a_report_reference_that_is_not_http_is_shown_but_not_linked(personas):
    finding = add_finding(
        personas.world["core_api"], 1, references=["javascript:alert(1)", "https://example.org/advisory"]
    )
    page = personas.client("triager").get(reverse("findings:finding_detail", args=[finding.pk])).content.decode()
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page
    assert 'href="https://example.org/advisory"' in page


def _secret_line(personas):
    line = personas.world["quesnelia"]
    line.classification = ClassificationLabel.objects.create(name="Review need-to-know", rank=45)
    line.save()
    return line


def test_a_finding_on_a_release_line_hidden_by_its_label_is_404_and_not_listed(personas):
    line = _secret_line(personas)
    finding = add_finding(personas.world["core_api"], 1, release_line_id=line.pk)
    api = api_client(personas.triager)
    assert api.get(f"/api/v1/findings/{finding.pk}").status_code == 404
    assert api.get("/api/v1/findings").json()["items"] == []
    assert personas.client("triager").get(reverse("findings:finding_detail", args=[finding.pk])).status_code == 404


def test_a_scan_of_a_release_line_hidden_by_its_label_is_404(personas):
    line = _secret_line(personas)
    finding = add_finding(personas.world["core_api"], 1, release_line_id=line.pk)
    scan = finding.first_seen_scan
    scan.release_line = line
    scan.save()
    assert api_client(personas.triager).get(f"/api/v1/scans/{scan.pk}").status_code == 404


def test_a_suppression_of_a_release_line_hidden_by_its_label_is_not_listed(personas):
    line = _secret_line(personas)
    Suppression.objects.create(vulnerability_id="CVE-1", release_line=line, reason="x", created_by=personas.admin)
    assert api_client(personas.triager).get("/api/v1/suppressions").json()["items"] == []


def test_the_decision_count_on_a_finding_page_leaves_out_hidden_release_lines(personas):
    line = _secret_line(personas)
    shown = add_finding(personas.world["core_api"], 1)
    hidden = add_finding(personas.world["core_api"], 2, release_line_id=line.pk, decision_key=shown.decision_key)
    decision = TriageDecision.objects.create(
        component=personas.world["core_api"],
        key=shown.decision_key,
        state="affected",
        reason="x",
        decided_by=personas.admin,
    )
    Finding.objects.filter(pk__in=[shown.pk, hidden.pk]).update(decision=decision)
    page = personas.client("triager").get(reverse("findings:finding_detail", args=[shown.pk])).content.decode()
    assert "(1 finding now)" in page
