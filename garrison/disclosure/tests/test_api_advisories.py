"""The advisories API: visible list with keyset paging, drafting from issue keys, edits refused whole with field
errors, pre-notification limits, exports naming what is missing, and 404 for advisories the caller may not see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from garrison.core import clock
from garrison.core.tests.api_client import api_client
from garrison.disclosure import services
from garrison.disclosure.models import Advisory, DisclosureLevel
from garrison.issues import services as issue_services
from garrison.issues.models import Channel, SecurityLevel

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Zebra overflow in the vault"


@pytest.fixture(autouse=True)
def _https_publisher(settings):
    settings.GARRISON_PUBLISHER_NAMESPACE = "https://garrison.example.org"


def _issue(personas, title: str, level: str | None = None):
    report = issue_services.ReportData(title=title, description="d", component_id=personas.world["core_api"].pk)
    issue = issue_services.issue_intake(report=report, channel=Channel.FORM).issue
    if level:
        issue = issue_services.issue_set_level(
            actor=personas.security_lead, issue=issue, level=SecurityLevel.objects.get(name=level)
        )
    return issue


@pytest.fixture
def team_issue(personas):
    return _issue(personas, "Stored XSS in comments", "Security + component team")


@pytest.fixture
def advisory(personas, team_issue):
    return services.advisory_draft(actor=personas.security_lead, issues=[team_issue])


@pytest.fixture
def secret_advisory(personas):
    return services.advisory_draft(actor=personas.security_lead, issues=[_issue(personas, SECRET_TITLE)])


def test_the_list_pages_with_a_cursor_and_hides_what_the_caller_may_not_see(personas, advisory, secret_advisory):
    lead = api_client(personas.security_lead)
    first = lead.get("/api/v1/advisories", limit=1)
    assert first.status_code == 200 and len(first.json()["items"]) == 1
    second = lead.get("/api/v1/advisories", limit=1, cursor=first.json()["next_cursor"])
    seen = {first.json()["items"][0]["identifier"], second.json()["items"][0]["identifier"]}
    assert seen == {advisory.identifier, secret_advisory.identifier}
    assert second.json()["next_cursor"] is None
    auditor = api_client(personas.auditor).get("/api/v1/advisories")
    assert auditor.status_code == 200 and auditor.json()["items"] == []
    assert SECRET_TITLE not in auditor.text
    assert api_client(personas.developer).get("/api/v1/advisories").status_code == 403
    assert api_client(personas.admin).get(f"/api/v1/advisories/{secret_advisory.identifier}").status_code == 404
    got = api_client(personas.triager).get(f"/api/v1/advisories/{secret_advisory.identifier}")
    assert got.status_code == 200 and got.json()["title"] == SECRET_TITLE


def test_a_draft_from_issue_keys(personas, team_issue):
    client = api_client(personas.triager)
    response = client.post("/api/v1/advisories", {"issues": [team_issue.key]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["issues"] == [team_issue.key] and body["level"] == "private"
    assert [r["number"] for r in body["revisions"]] == [1]
    bad = client.post("/api/v1/advisories", {"issues": ["SEC-x"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "issues"
    # The admin may draft, but not from an issue it cannot see: the same answer as for one that does not exist.
    hidden = api_client(personas.admin).post("/api/v1/advisories", {"issues": [team_issue.key]})
    assert hidden.status_code == 422
    assert Advisory.objects.count() == 1


@pytest.mark.parametrize(
    ("patch", "field", "message"),
    [
        ({"cwe_ids": [79, 12345]}, "cwe_ids", "CWE-12345 is not a known CWE id"),
        ({"cve_id": "CVE-2026-1"}, "cve_id", "A CVE id looks like CVE-2026-12345."),
        ({"ghsa_id": "GHSA-1234"}, "ghsa_id", "GHSA-xxxx-xxxx-xxxx"),
        ({"cvss_v4_vector": "CVSS:4.0/AV:N/AC:Z/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}, "cvss_v4_vector", "AC"),
        ({"references": [{"url": "javascript:alert(1)", "type": "fix"}]}, "references", "not an http(s) URL"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_changes(personas, advisory, patch, field, message):
    before = Advisory.objects.values().get(pk=advisory.pk)
    response = api_client(personas.triager).patch(
        f"/api/v1/advisories/{advisory.identifier}", {"title": "Changed", **patch}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field] and message in errors[0]["message"]
    assert Advisory.objects.values().get(pk=advisory.pk) == before


def test_patch_scores_vectors_and_is_denied_to_readers(personas, advisory):
    url = f"/api/v1/advisories/{advisory.identifier}"
    vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    response = api_client(personas.triager).patch(url, {"cvss_v4_vector": vector, "cwe_ids": ["CWE-79"]})
    assert response.status_code == 200, response.json()
    assert float(response.json()["cvss_v4_score"]) == 9.3 and response.json()["cwe_ids"] == [79]
    advisory.refresh_from_db()
    assert (advisory.cvss_v4_vector, str(advisory.cvss_v4_score)) == (vector, "9.3")
    assert api_client(personas.auditor).patch(url, {"summary": "x"}).status_code == 403
    assert api_client(personas.admin).patch(url, {"summary": "x"}).status_code == 404
    advisory.refresh_from_db()
    assert advisory.summary == "" and advisory.cwe_ids == [79]


def test_prenotify_refuses_an_embargo_beyond_the_maximum_and_needs_a_time_zone(personas, advisory):
    url = f"/api/v1/advisories/{advisory.identifier}/prenotify"
    lead = api_client(personas.security_lead)
    too_long = lead.post(url, {"embargo_ends_at": (clock.now() + timedelta(days=15)).isoformat()})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "embargo_ends_at"
    naive = lead.post(url, {"embargo_ends_at": "2030-01-01T09:00:00"})
    assert naive.status_code == 422
    advisory.refresh_from_db()
    assert advisory.level == DisclosureLevel.PRIVATE
    assert api_client(personas.triager).post(url, {"embargo_ends_at": "2030-01-01T09:00:00+01:00"}).status_code == 403
    ok = lead.post(url, {"embargo_ends_at": (clock.now() + timedelta(days=3)).isoformat()})
    assert ok.status_code == 200 and ok.json()["level"] == "trusted"


def test_export_names_what_is_missing_then_approve_and_publish(personas, advisory):
    lead = api_client(personas.security_lead)
    base = f"/api/v1/advisories/{advisory.identifier}"
    missing = lead.get(f"{base}/export/osv")
    assert missing.status_code == 422 and missing.json()["errors"]
    assert all(e["message"] for e in missing.json()["errors"])
    refused = lead.post(f"{base}/publish")
    assert refused.status_code == 422
    assert any("approve" in e["message"] for e in refused.json()["errors"])
    # The drafter may not approve their own advisory.
    assert lead.post(f"{base}/approve").status_code == 422
    assert api_client(personas.admin).post(f"{base}/approve").status_code == 404
    advisory.refresh_from_db()
    assert advisory.approved_by is None and advisory.level == DisclosureLevel.PRIVATE


def test_a_public_fix_publishes_now_or_needs_a_reason(personas):
    from garrison.core.tests.api_client import ApiClient, make_token
    from garrison.disclosure import services
    from garrison.disclosure.models import Advisory
    from garrison.disclosure.tests import support

    issue = support.fixed_issue(personas, title="Fix already on GitHub")
    advisory = support.make_ready(services.advisory_draft(actor=personas.security_lead, issues=[issue]))
    api = ApiClient(make_token(personas.security_lead))
    url = f"/api/v1/advisories/{advisory.identifier}/fix-public"
    refused = api.post(url, {"publish": False})
    assert refused.status_code in (400, 422)
    assert any(e["field"] == "override_reason" for e in refused.json()["errors"])
    assert Advisory.objects.get(pk=advisory.pk).level == "private"
    published = api.post(url, {"publish": True})
    assert published.status_code == 200 and published.json()["level"] == "public"
