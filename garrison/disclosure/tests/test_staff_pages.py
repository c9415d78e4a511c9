"""The security team's advisory pages: list, draft, edit (refusing bad input whole), products, credits, revisions,
pre-notification in the viewer's time zone, exports, and the reporter's credit consent through their tracking link."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.disclosure import services
from garrison.disclosure.forms import AdvisoryForm, PrenotifyForm
from garrison.disclosure.models import Advisory, CreditConsent, DisclosureLevel
from garrison.issues import services as issue_services
from garrison.issues.models import Channel, SecurityLevel

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Zebra overflow in the vault"


@pytest.fixture(autouse=True)
def _https_publisher(settings):
    settings.GARRISON_PUBLISHER_NAMESPACE = "https://garrison.example.org"


@pytest.fixture
def reported(personas):
    """A core-api issue of the component-team level whose reporter asked to be credited, and its tracking token."""
    report = issue_services.ReportData(
        title="Stored XSS in comments",
        description="Link titles are not escaped.",
        component_id=personas.world["core_api"].pk,
        credit_name="Rita Reporter",
    )
    made = issue_services.issue_intake(report=report, channel=Channel.FORM)
    level = SecurityLevel.objects.get(name="Security + component team")
    issue = issue_services.issue_set_level(actor=personas.security_lead, issue=made.issue, level=level)
    return issue, made.tracking_token


@pytest.fixture
def advisory(personas, reported):
    return services.advisory_draft(actor=personas.security_lead, issues=[reported[0]])


@pytest.fixture
def secret_advisory(personas):
    report = issue_services.ReportData(
        title=SECRET_TITLE, description="details", component_id=personas.world["core_api"].pk
    )
    issue = issue_services.issue_intake(report=report, channel=Channel.FORM).issue
    return services.advisory_draft(actor=personas.security_lead, issues=[issue])


def _url(advisory: Advisory, suffix: str = "") -> str:
    return f"/disclosure/{advisory.identifier}/{suffix}"


def test_the_list_shows_visible_advisories_and_hides_the_secret_one(personas, advisory, secret_advisory):
    page = personas.client("security_lead").get("/disclosure/")
    assert page.status_code == 200
    assert advisory.identifier in page.text and SECRET_TITLE in page.text
    for name in ("auditor", "admin"):
        page = personas.client(name).get("/disclosure/")
        assert page.status_code == 200
        assert SECRET_TITLE not in page.text and advisory.identifier not in page.text
    assert personas.client("developer").get("/disclosure/").status_code == 403
    assert personas.client("auditor").get(_url(secret_advisory)).status_code == 404
    assert personas.client("triager").get(_url(secret_advisory)).status_code == 200


def test_embargo_end_is_shown_in_the_viewers_time_zone(personas, advisory):
    ends = (clock.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    services.advisory_prenotify(actor=personas.security_lead, advisory=advisory, embargo_ends_at=ends)
    personas.triager.time_zone = "Asia/Tokyo"
    personas.triager.save()
    page = personas.client("triager").get("/disclosure/")
    assert ends.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M") + " Asia/Tokyo" in page.text


def test_a_draft_is_made_from_an_issue(personas, reported):
    issue = reported[0]
    client = personas.client("triager")
    assert client.get(f"/disclosure/new?issue={issue.pk}").status_code == 200
    response = client.post(f"/disclosure/new?issue={issue.pk}")
    made = Advisory.objects.get(issues=issue)
    assert response.status_code == 302 and response["Location"] == _url(made)
    assert personas.client("auditor").post(f"/disclosure/new?issue={issue.pk}").status_code == 403
    assert personas.client("admin").post(f"/disclosure/new?issue={issue.pk}").status_code == 404
    assert Advisory.objects.filter(issues=issue).count() == 1


def _edit(advisory: Advisory, **changes: str) -> dict[str, str]:
    data = {k: v for k, v in AdvisoryForm.initial_for(advisory).items() if v is not None}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cwe_ids": "CWE-79, CWE-12345"}, "CWE-12345 is not a known CWE id"),
        ({"cve_id": "CVE-26-1"}, "A CVE id looks like CVE-2026-12345."),
        ({"cvss_v3_vector": "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, "AV:Q"),
        ({"references": "fix ftp://example.org/patch"}, "is not an http(s) URL"),
    ],
)
def test_bad_input_is_refused_whole_with_the_fields_error(personas, advisory, changes, message):
    before = Advisory.objects.values().get(pk=advisory.pk)
    response = personas.client("triager").post(_url(advisory), _edit(advisory, title="Changed", **changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Advisory.objects.values().get(pk=advisory.pk) == before
    assert not AuditEvent.objects.filter(action=AuditAction.ADVISORY_UPDATED).exists()


def test_an_edit_stores_scores_and_audits_field_names_only(personas, advisory):
    changes = {
        "summary": "Escape link titles",
        "cve_id": "cve-2026-12345",
        "cvss_v3_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "cwe_ids": "CWE-79 89",
        "references": "fix https://example.org/commit/1\nhttps://example.org/report",
    }
    response = personas.client("triager").post(_url(advisory), _edit(advisory, **changes))
    assert response.status_code == 302
    advisory.refresh_from_db()
    assert (advisory.cve_id, str(advisory.cvss_v3_score), advisory.cwe_ids) == ("CVE-2026-12345", "9.8", [79, 89])
    assert advisory.references == [
        {"url": "https://example.org/commit/1", "type": "fix"},
        {"url": "https://example.org/report", "type": "web"},
    ]
    event = AuditEvent.objects.get(action=AuditAction.ADVISORY_UPDATED)
    assert set(event.data["fields"]) == {
        "summary",
        "cve_id",
        "cvss_v3_vector",
        "cvss_v3_score",
        "cwe_ids",
        "references",
    }
    assert "Escape" not in json.dumps(event.data) and "XSS" not in json.dumps(event.data)


def test_products_credits_and_revisions(personas, advisory):
    client = personas.client("security_lead")
    core, line = personas.world["core_api"], personas.world["quesnelia"]
    body = {"component": core.pk, "release_line": line.pk, "status": "not_affected"}
    response = client.post(_url(advisory, "products"), body)
    assert response.status_code == 422 and "Say why the product is not affected." in response.text
    body["justification"] = "component_not_present"
    assert client.post(_url(advisory, "products"), body).status_code == 302
    product = advisory.products.get(release_line=line)
    assert product.status == "not_affected"
    assert client.post(_url(advisory, f"products/{product.pk}/delete")).status_code == 302
    assert not advisory.products.filter(release_line=line).exists()

    assert client.post(_url(advisory, "credits"), {"name": "Ada", "type": "analyst"}).status_code == 302
    credit = advisory.credits.get(name="Ada")
    assert credit.consent == CreditConsent.NOT_NEEDED
    assert "Ada" in client.get(_url(advisory)).text
    assert client.post(_url(advisory, f"credits/{credit.pk}/delete")).status_code == 302
    assert not advisory.credits.filter(name="Ada").exists()

    assert client.post(_url(advisory, "revisions"), {"summary": ""}).status_code == 422
    assert client.post(_url(advisory, "revisions"), {"summary": "Fixed versions"}).status_code == 302
    assert list(advisory.revisions.values_list("number", "summary")) == [(1, "Initial version"), (2, "Fixed versions")]
    # The auditor may read but not change; the developer may do neither.
    assert personas.client("auditor").post(_url(advisory, "revisions"), {"summary": "x"}).status_code == 403
    assert personas.client("developer").get(_url(advisory)).status_code == 403
    assert advisory.revisions.count() == 2


def test_prenotify_takes_the_chosen_time_zone_and_refuses_an_embargo_too_long(personas, advisory):
    client = personas.client("security_lead")
    too_late = (clock.now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(_url(advisory, "prenotify"), {"embargo_ends_at": too_late, "time_zone": "UTC"})
    assert response.status_code == 422 and "An embargo lasts at most 14 days" in response.text
    advisory.refresh_from_db()
    assert advisory.level == DisclosureLevel.PRIVATE and advisory.embargo_ends_at is None

    wall = (clock.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    body = {"embargo_ends_at": wall.strftime("%Y-%m-%dT%H:%M"), "time_zone": "America/New_York"}
    assert personas.client("triager").post(_url(advisory, "prenotify"), body).status_code == 403
    assert client.post(_url(advisory, "prenotify"), body).status_code == 302
    advisory.refresh_from_db()
    expected = wall.replace(tzinfo=None).replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    assert advisory.level == DisclosureLevel.TRUSTED and advisory.embargo_ends_at == expected


def test_publish_shows_the_problems_and_export_names_what_is_missing(personas, advisory):
    client = personas.client("security_lead")
    page = client.get(_url(advisory))
    assert "a reporter has not yet accepted or declined the credit" in page.text
    response = client.post(_url(advisory, "publish"))
    assert response.status_code == 422 and "a second security lead must approve it first" in response.text
    advisory.refresh_from_db()
    assert advisory.level == DisclosureLevel.PRIVATE

    missing = client.get(_url(advisory, "export/osv"))
    assert missing.status_code == 422 and '<ul id="export-missing"><li>' in missing.text
    core = personas.world["core_api"]
    core.package_url = "pkg:pypi/garrison-core-api"
    core.save()
    client.post(_url(advisory, "products"), {"component": core.pk, "status": "fixed", "fixed_version": "1.4.2"})
    download = client.get(_url(advisory, "export/osv"))
    assert download.status_code == 200, download.content
    assert download["Content-Disposition"].startswith("attachment")
    assert json.loads(download.content)["id"].endswith(advisory.identifier)


def test_the_reporter_accepts_the_credit_through_the_tracking_link(personas, client, reported, advisory):
    issue, token = reported
    page = client.get(f"/track/{token}")
    assert "You are to be credited as <strong>Rita Reporter</strong>" in page.text
    assert advisory.identifier in page.text
    assert client.post("/disclosure/credit/not-the-token", {"answer": "accept"}).status_code == 404
    response = client.post(f"/disclosure/credit/{token}", {"answer": "accept"})
    assert response.status_code == 303
    credit = advisory.credits.get(issue=issue)
    assert credit.consent == CreditConsent.ACCEPTED
    event = AuditEvent.objects.get(action=AuditAction.ADVISORY_UPDATED)
    assert event.actor_label == "reporter" and event.actor is None
    assert "You are to be credited" not in client.get(f"/track/{token}").text


def test_the_reporter_may_decline(client, reported, advisory):
    issue, token = reported
    client.post(f"/disclosure/credit/{token}", {"answer": "decline"})
    assert advisory.credits.get(issue=issue).consent == CreditConsent.DECLINED
    assert not services.document_for(advisory).credits
    assert "a reporter has not yet accepted" not in " ".join(services.publication_problems(advisory))


def test_the_prenotify_form_reads_the_wall_clock_in_the_chosen_zone():
    form = PrenotifyForm({"embargo_ends_at": "2030-01-02T09:00", "time_zone": "Europe/Berlin"})
    assert form.is_valid()
    assert form.aware_end() == datetime(2030, 1, 2, 8, 0, tzinfo=UTC)
