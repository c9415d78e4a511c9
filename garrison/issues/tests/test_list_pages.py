"""The issue list, its filters, counts, saved filters and CSV export; filing an issue; promoting a finding; labels;
the dashboard panel. Visibility: nobody ever meets an issue their security level does not admit them to."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.issues import services
from garrison.issues.models import Channel, IssueLabel, IssueStatus, SavedFilter, SecurityIssue, SecurityLevel
from tests.authz import world as world_mod

pytestmark = pytest.mark.django_db

BILLING_TITLE = "Refund rounding"


@pytest.fixture
def w(personas: Any) -> dict[str, Any]:
    return world_mod.build(personas)


def _list(personas: Any, who: str, query: str = "show=all") -> str:
    response = personas.client(who).get(f"/issues/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def _export(personas: Any, who: str, query: str = "show=all") -> list[list[str]]:
    response = personas.client(who).get(f"/issues/export.csv?{query}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _file(personas: Any, title: str, *, component: str = "core_api") -> SecurityIssue:
    report = services.ReportData(
        title=title, description="details", component_id=personas.world[component].pk if component else None
    )
    return services.issue_intake(report=report, channel=Channel.INTERNAL, actor=personas.security_lead).issue


# --- visibility -------------------------------------------------------------------------------------------------


def test_security_team_lists_every_issue(personas, w):
    page = _list(personas, "triager")
    for key in ("issue", "secret_issue", "billing_issue", "public_issue"):
        assert w[key].title in page


def test_developer_lists_only_issues_their_level_admits(personas, w):
    page = _list(personas, "developer")
    assert w["issue"].title in page
    assert w["public_issue"].title in page
    assert BILLING_TITLE not in page
    assert world_mod.EMBARGO_MARKER not in page
    # searching by name or SEC-number does not reveal them either
    assert BILLING_TITLE not in _list(personas, "developer", "show=all&q=Refund")
    assert "No issues match" in _list(personas, "developer", f"show=all&q={w['billing_issue'].key}")


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_auditor_and_admin_see_only_public_issues(personas, w, who):
    page = _list(personas, who)
    assert w["public_issue"].title in page
    for key in ("issue", "secret_issue", "billing_issue"):
        assert w[key].title not in page
        assert f">{w[key].key}<" not in page


def test_status_counts_count_only_visible_issues(personas, w):
    page = _list(personas, "developer")
    # issue and public_issue are new; billing_issue and secret_issue are new too, but hidden
    assert "New: 2<" in page
    assert "New: 4<" in _list(personas, "security_lead")


def test_export_holds_only_visible_issues_and_no_descriptions(personas, w):
    rows = _export(personas, "developer")
    assert rows[0][:2] == ["key", "title"]
    titles = {row[1] for row in rows[1:]}
    assert titles == {w["issue"].title, w["public_issue"].title}
    text = "\n".join(",".join(row) for row in rows)
    assert "details" not in text  # descriptions ("<title>: details") are never exported
    assert "finder@example.net" not in text


def test_export_is_safe_from_formula_injection(personas, w):
    _file(personas, '=HYPERLINK("http://evil.example","x")')
    rows = _export(personas, "security_lead", "q=HYPERLINK")
    assert rows[1][1].startswith("'=HYPERLINK")


def test_export_follows_the_filters(personas, w):
    rows = _export(personas, "security_lead", f"show=all&team={personas.world['payments'].pk}")
    assert [row[1] for row in rows[1:]] == [BILLING_TITLE]


def test_title_is_rendered_escaped(personas, w):
    _file(personas, "<script>alert(1)</script>")
    page = _list(personas, "security_lead")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- filters ----------------------------------------------------------------------------------------------------


def _keys(page: str, issues: list[SecurityIssue]) -> set[str]:
    return {i.key for i in issues if f">{i.key}</a>" in page}


def test_open_only_is_the_default(personas, w):
    closed = _file(personas, "Closed one")
    services.issue_transition(actor=personas.security_lead, issue=closed, to=IssueStatus.CLOSED, reason="out_of_scope")
    assert ">Closed one<" not in _list(personas, "security_lead", "")
    assert ">Closed one<" in _list(personas, "security_lead", "show=all")
    assert ">Closed one<" in _list(personas, "security_lead", "status=closed")


def test_filters_by_text_number_team_component_and_level(personas, w):
    everyone = [w["issue"], w["secret_issue"], w["billing_issue"], w["public_issue"]]
    lead = "security_lead"
    assert _keys(_list(personas, lead, "q=refund"), everyone) == {w["billing_issue"].key}
    assert _keys(_list(personas, lead, f"q={w['issue'].key.lower()}"), everyone) == {w["issue"].key}
    team = personas.world["payments"].pk
    assert _keys(_list(personas, lead, f"team={team}"), everyone) == {w["billing_issue"].key}
    component = personas.world["core_api"].pk
    assert _keys(_list(personas, lead, f"component={component}"), everyone) == {
        w["issue"].key,
        w["secret_issue"].key,
        w["public_issue"].key,
    }
    level = w["team_level"].pk
    assert _keys(_list(personas, lead, f"level={level}"), everyone) == {w["issue"].key, w["billing_issue"].key}


def test_filters_by_severity_priority_owner_mine_and_label(personas, w):
    lead = personas.security_lead
    everyone = [w["issue"], w["secret_issue"], w["billing_issue"], w["public_issue"]]
    services.issue_score(actor=lead, issue=w["secret_issue"], vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    services.issue_update(actor=lead, issue=w["billing_issue"], changes={"owner": lead})
    label = services.label_create(actor=lead, name="needs-backport")
    services.issue_update(actor=lead, issue=w["public_issue"], changes={"labels": [label]})
    page = _list(personas, "security_lead", "severity=critical")
    assert _keys(page, everyone) == {w["secret_issue"].key}
    assert _keys(_list(personas, "security_lead", "priority=p1"), everyone) == {w["secret_issue"].key}
    assert _keys(_list(personas, "security_lead", f"owner={lead.pk}"), everyone) == {w["billing_issue"].key}
    assert _keys(_list(personas, "security_lead", "mine=on"), everyone) == {w["billing_issue"].key}
    assert _keys(_list(personas, "triager", "mine=on"), everyone) == set()
    assert _keys(_list(personas, "security_lead", "label=needs-backport"), everyone) == {w["public_issue"].key}


def test_owner_choices_name_only_owners_of_visible_issues(personas, w):
    services.issue_update(actor=personas.security_lead, issue=w["billing_issue"], changes={"owner": personas.triager})
    assert "Tia Triager" in _list(personas, "security_lead")
    assert "Tia Triager" not in _list(personas, "developer")


def test_overdue_flag_and_filter(personas, w):
    past = clock.now() - timedelta(days=3)
    SecurityIssue.objects.filter(pk=w["issue"].pk).update(triage_due_at=past)  # test set-up: the clock ran out
    everyone = [w["issue"], w["secret_issue"], w["billing_issue"], w["public_issue"]]
    page = _list(personas, "developer", "overdue=on")
    assert _keys(page, everyone) == {w["issue"].key}
    assert 'class="overdue"' in page and "badge sla-overdue" in page
    assert "badge sla-overdue" not in _list(personas, "developer", f"q={w['public_issue'].key}")


def test_list_query_count_does_not_grow_with_rows(personas, django_assert_num_queries):
    lead = personas.security_lead
    label = services.label_create(actor=lead, name="bulk")
    team_level = SecurityLevel.objects.get(name="Security + component team")

    def make(n: int) -> None:
        for i in range(n):
            issue = _file(personas, f"Issue {i}", component="billing" if i % 2 else "core_api")
            services.issue_update(actor=lead, issue=issue, changes={"owner": personas.triager, "labels": [label]})
            services.issue_set_level(actor=lead, issue=issue, level=team_level)  # the developer sees core-api's

    def count(who: str) -> int:
        client = personas.client(who)
        client.get("/issues/")  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/issues/?show=all").status_code == 200
        return len(ctx.captured_queries)

    make(5)
    few = {who: count(who) for who in ("security_lead", "developer")}
    make(45)
    for who in ("security_lead", "developer"):
        client = personas.client(who)
        client.get("/issues/")
        with django_assert_num_queries(few[who]):
            response = client.get("/issues/?show=all")
        assert response.content.decode().count("<tr") == (1 + 50 if who == "security_lead" else 1 + 3 + 23)


def test_htmx_request_gets_only_the_results(personas, w):
    response = personas.client("developer").get("/issues/?show=all", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert w["issue"].title in body
    assert "<html" not in body and 'role="search"' not in body


# --- saved filters ----------------------------------------------------------------------------------------------


def test_saved_filters_are_per_user(personas, w):
    lead, dev = personas.client("security_lead"), personas.client("developer")
    response = lead.post("/issues/filters/save", {"name": "Refunds", "query": "q=Refund&show=all"})
    assert response.status_code == 302 and response["Location"] == "/issues/?q=Refund&show=all"
    saved = SavedFilter.objects.get(user=personas.security_lead)
    assert "Refunds" in lead.get("/issues/").content.decode()
    assert "Refunds" not in dev.get("/issues/").content.decode()
    # someone else's filter cannot be deleted (nor confirmed to exist)
    assert dev.post(f"/issues/filters/{saved.pk}/delete").status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    assert lead.post(f"/issues/filters/{saved.pk}/delete").status_code == 302
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_a_saved_query_only_ever_lists_visible_issues(personas, w):
    dev = personas.client("developer")
    dev.post("/issues/filters/save", {"name": "Refunds", "query": "q=Refund&show=all"})
    page = dev.get("/issues/?" + SavedFilter.objects.get(user=personas.developer).query).content.decode()
    assert BILLING_TITLE not in page
    assert "No issues match" in page


def test_saved_query_is_re_encoded(personas, w):
    client = personas.client("developer")
    response = client.post("/issues/filters/save", {"name": "odd", "query": "?q=a\nb&page=3&status=new"})
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=personas.developer)
    assert saved.query == "q=a%0Ab&status=new"
    assert response["Location"] == "/issues/?q=a%0Ab&status=new"


def test_saving_without_a_name_says_so(personas, w):
    response = personas.client("developer").post(
        "/issues/filters/save", {"name": "", "query": "status=new"}, follow=True
    )
    assert "The filters were not saved" in response.content.decode()
    assert not SavedFilter.objects.exists()


# --- filing an issue --------------------------------------------------------------------------------------------


def test_staff_files_an_issue_and_lands_on_it(personas, w):
    response = personas.client("triager").post(
        "/issues/new",
        {
            "title": "Token in logs",
            "description": "The API logs bearer tokens.",
            "component": personas.world["core_api"].pk,
        },
    )
    issue = SecurityIssue.objects.get(title="Token in logs")
    assert response.status_code == 302 and response["Location"] == f"/issues/{issue.pk}/"
    assert issue.channel == Channel.INTERNAL
    assert issue.responsible_team == personas.world["platform"]
    assert not issue.reporter_email_sealed
    assert AuditEvent.objects.filter(action=AuditAction.ISSUE_CREATED, target_id=str(issue.pk)).exists()


def test_filing_with_attachments(personas, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile("a.txt", b"one"), SimpleUploadedFile("b.txt", b"two")]
    personas.client("security_lead").post(
        "/issues/new", {"title": "With files", "description": "see files", "attachments": files}
    )
    issue = SecurityIssue.objects.get(title="With files")
    assert sorted(issue.attachments.values_list("filename", flat=True)) == ["a.txt", "b.txt"]


def test_filing_refuses_bad_input_and_stores_nothing(personas, w):
    before = SecurityIssue.objects.count()
    client = personas.client("security_lead")
    response = client.post("/issues/new", {"title": "", "description": "x", "cvss_vector": "CVSS:3.1/AV:Q"})
    assert response.status_code == 422
    # a component hidden from the actor by its label is not a valid choice
    hidden = client.post("/issues/new", {"title": "t", "description": "d", "component": w["secret_component"].pk})
    assert hidden.status_code == 422
    assert SecurityIssue.objects.count() == before


def test_admin_may_file_but_is_told_they_cannot_see_it(personas, w):
    response = personas.client("admin").post(
        "/issues/new", {"title": "Admin found it", "description": "d"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/issues/"
    assert "your role cannot see" in response.content.decode()
    assert SecurityIssue.objects.filter(title="Admin found it").exists()


def test_developer_may_not_file(personas, w):
    assert personas.client("developer").post("/issues/new", {"title": "t", "description": "d"}).status_code == 403
    assert not SecurityIssue.objects.filter(title="t").exists()


# --- promoting a finding ----------------------------------------------------------------------------------------


def test_promote_a_finding_links_both_ways(personas, w):
    finding = w["finding"]
    response = personas.client("triager").post(f"/issues/promote/{finding.pk}")
    issue = SecurityIssue.objects.get(channel=Channel.FINDING)
    assert response.status_code == 302 and response["Location"] == f"/issues/{issue.pk}/"
    assert list(issue.findings.all()) == [finding]
    assert list(finding.security_issues.all()) == [issue]
    assert finding.vulnerability_id in issue.title
    page = personas.client("security_lead").get(f"/findings/{finding.pk}/").content.decode()
    assert issue.key in page and "Promote to security issue" in page


def test_finding_page_lists_only_linked_issues_the_viewer_may_see(personas, w):
    finding = w["finding"]
    services.issue_link_findings(actor=personas.security_lead, issue=w["secret_issue"], findings=[finding])
    services.issue_link_findings(actor=personas.security_lead, issue=w["issue"], findings=[finding])
    page = personas.client("developer").get(f"/findings/{finding.pk}/").content.decode()
    assert w["issue"].key in page
    assert world_mod.EMBARGO_MARKER not in page and w["secret_issue"].key not in page
    assert "Promote to security issue" not in page


def test_an_admin_promotes_a_finding_out_of_their_own_sight(personas, w):
    """New issues get the most restrictive level, which the admin cannot see: it is filed and linked all the same,
    and the admin lands on the list with a message instead of a 404."""
    response = personas.client("admin").post(f"/issues/promote/{w['finding'].pk}", follow=True)
    issue = SecurityIssue.objects.get(channel=Channel.FINDING)
    assert "which your role cannot see" in response.content.decode()
    assert list(issue.findings.all()) == [w["finding"]]


def test_promote_a_hidden_finding_is_404(personas, w):
    assert personas.client("triager").post(f"/issues/promote/{w['secret_finding'].pk}").status_code == 404
    assert not SecurityIssue.objects.filter(channel=Channel.FINDING).exists()


# --- labels -----------------------------------------------------------------------------------------------------


def test_labels_list_and_create(personas, w):
    triager = personas.client("triager")
    response = triager.post("/issues/labels/", {"name": "Needs Backport", "description": "for old lines"})
    assert response.status_code == 302
    assert IssueLabel.objects.filter(name="needs-backport").exists()
    assert triager.post("/issues/labels/", {"name": "needs-backport"}).status_code == 422
    dev = personas.client("developer")
    assert "needs-backport" in dev.get("/issues/labels/").content.decode()
    assert "New label" not in dev.get("/issues/labels/").content.decode()
    assert dev.post("/issues/labels/", {"name": "dev-label"}).status_code == 403
    assert not IssueLabel.objects.filter(name="dev-label").exists()


def test_label_counts_only_visible_issues(personas, w):
    label = IssueLabel.objects.get(name="security-preparedness")
    for key in ("issue", "billing_issue", "secret_issue"):
        services.issue_update(actor=personas.security_lead, issue=w[key], changes={"labels": [label]})
    dev_page = personas.client("developer").get("/issues/labels/").content.decode()
    lead_page = personas.client("security_lead").get("/issues/labels/").content.decode()
    assert '<td class="num">1</td>' in dev_page
    assert '<td class="num">3</td>' in lead_page


# --- dashboard and navigation -----------------------------------------------------------------------------------


def test_dashboard_panel_counts_visible_issues(personas, w):
    SecurityIssue.objects.filter(pk=w["billing_issue"].pk).update(ack_due_at=clock.now() - timedelta(days=1))
    dev = personas.client("developer").get("/").content.decode()
    lead = personas.client("security_lead").get("/").content.decode()
    assert ">2 new<" in dev and ">0 overdue<" in dev
    assert ">4 new<" in lead and ">1 overdue<" in lead
    assert 'href="/issues/"' in dev  # the nav link
    outsider = personas.client("outsider").get("/").content.decode()
    assert "new</a>" not in outsider and 'href="/issues/"' not in outsider
