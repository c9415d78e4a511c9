"""One issue's page: what it shows, to whom, hostile text escaped, and a query count independent of its size."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.findings.models import Finding
from garrison.issues import services
from garrison.issues.models import BackportEntry, CloseReason, IssueStatus
from garrison.issues.tests.detail_support import public_issue, report, team_issue, url
from garrison.org.models import ReleaseLine
from tests.authz import world as authz_world

pytestmark = pytest.mark.django_db


def test_header_shows_key_status_score_level_team_and_sla(personas):
    issue = team_issue(personas, cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    response = personas.client("triager").get(url("issue_detail", issue))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"SEC-{issue.number}" in text and "SQL injection in search" in text
    assert "9.8" in text and "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" in text
    assert 'class="badge sev-critical"' in text
    assert "Security + component team" in text and "Platform" in text and "core-api" in text
    assert 'class="badge sla-due">due<' in text  # acknowledge and triage clocks are running


def test_invisible_issue_is_404_for_staff_who_hold_issue_view(personas):
    secret = report(personas)  # security team only
    billing = team_issue(personas, component="billing")
    for persona, issue in (("developer", secret), ("developer", billing), ("admin", secret), ("auditor", billing)):
        assert personas.client(persona).get(url("issue_detail", issue)).status_code == 404, persona


def test_auditor_sees_the_public_issue_only(personas):
    public = public_issue(personas, title="Public CVE in a dependency")
    embargoed = team_issue(personas)
    client = personas.client("auditor")
    response = client.get(url("issue_detail", public))
    assert response.status_code == 200 and "Public CVE in a dependency" in response.content.decode()
    assert client.get(url("issue_detail", embargoed)).status_code == 404


def test_reporter_contact_only_for_those_who_triage(personas):
    issue = team_issue(personas)
    triager_page = personas.client("triager").get(url("issue_detail", issue)).content.decode()
    assert "Rita Reporter" in triager_page and "rita@example.net" in triager_page
    dev_page = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    assert "rita@example.net" not in dev_page and "Rita Reporter" not in dev_page


def test_who_can_see_lists_the_admitted_people_and_the_level(personas):
    issue = team_issue(personas)
    text = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    panel = text.split('id="who-h"', 1)[1].split("</section>", 1)[0]
    assert "Adds the members of the issue&#x27;s responsible team." in panel
    for name in ("Dev Eloper", "Lee Lead", "Tia Triager"):
        assert name in panel
    assert "Audra Auditor" not in panel and "Ada Admin" not in panel


def test_history_shows_action_actor_and_field_names_not_values(personas):
    issue = team_issue(personas)
    services.issue_update(actor=personas.triager, issue=issue, changes={"title": "Renamed secretly"})
    services.issue_set_public(actor=personas.security_lead, issue=issue, public=False, reason="TOPSECRETREASON")
    text = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    history = text.split('id="history-h"', 1)[1]
    assert "issues.reported" in history and "issues.level_changed" in history and "issues.updated" in history
    assert "triager@example.org" in history and "lead@example.org" in history
    assert re.search(r"issues\.updated</code></td><td>triager@example\.org</td><td>title</td>", history)
    assert "public, reason" in history and "TOPSECRETREASON" not in history


def test_checklist_lists_what_is_still_unanswered(personas):
    issue = team_issue(personas)
    services.checklist_update(actor=personas.triager, issue=issue, answers={"scope": "one_app"})
    text = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    unanswered = text.split('class="unanswered"', 1)[1].split("</ul>", 1)[0]
    assert "Frontend or backend?" in unanswered and "Is personal data exposed?" in unanswered
    assert "one application or the whole system" not in unanswered


def test_linked_findings_only_those_the_viewer_may_see(personas):
    w: dict[str, Any] = authz_world.build(personas)
    issue = w["issue"]
    issue.findings.add(w["finding"], w["secret_finding"])  # set-up: the secret one could not be linked by anyone
    text = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    assert w["finding"].title in text
    assert "implant key" not in text and "red-cell" not in text
    assert Finding.objects.filter(security_issues=issue).count() == 2


def test_duplicates_link_both_ways_when_visible(personas):
    original = team_issue(personas, title="Original report")
    copy = team_issue(personas, title="Second report")
    services.issue_transition(actor=personas.triager, issue=copy, to=IssueStatus.TRIAGE)
    services.issue_transition(
        actor=personas.triager, issue=copy, to=IssueStatus.CLOSED, reason=CloseReason.DUPLICATE, duplicate_of=original
    )
    client = personas.client("developer")
    assert (
        f'href="{url("issue_detail", original)}">SEC-{original.number}'
        in client.get(url("issue_detail", copy)).content.decode()
    )
    text = client.get(url("issue_detail", original)).content.decode()
    assert f'href="{url("issue_detail", copy)}">SEC-{copy.number}</a> Second report' in text


def test_duplicate_of_an_invisible_issue_is_not_named(personas):
    hidden = report(personas, title="Only the security team")
    copy = team_issue(personas)
    services.issue_transition(
        actor=personas.triager, issue=copy, to=IssueStatus.CLOSED, reason="duplicate", duplicate_of=hidden
    )
    text = personas.client("developer").get(url("issue_detail", copy)).content.decode()
    assert "an issue you may not see" in text and f"SEC-{hidden.number}" not in text


XSS = {
    "title": "<script>alert('t')</script>",
    "description": "<img src=x onerror=alert('d')>",
    "steps_to_reproduce": "<svg onload=alert('s')><script>alert(2)</script>",
    "impact": "<a href=\"javascript:alert('i')\" onerror=alert(1)>x</a>",
    "affected_versions": "<script>alert('v')</script>",
    "exposure_links": "javascript:alert(1)\n<img src=y onerror=alert('l')>",
    "credit_name": "<script>alert('c')</script>",
    "reporter_name": "<img src=z onerror=alert('n')>",
}


def _assert_no_live_markup(text: str) -> None:
    assert all(tag.startswith("<script src=") for tag in re.findall(r"<script[^>]*>", text)), "an injected <script"
    assert "onerror=" not in re.sub(r"&lt;[^<]*?&gt;", "", text), "an unescaped onerror="
    assert "onload=" not in re.sub(r"&lt;[^<]*?&gt;", "", text)
    assert 'href="javascript:' not in text.lower()


def test_hostile_reporter_text_and_comments_are_escaped(personas):
    issue = team_issue(personas, component_text="", **XSS)
    services.comment_add(actor=personas.triager, issue=issue, body="<script>alert('comment')</script><b onerror=x>")
    services.reporter_reply(issue=issue, body="<iframe src=javascript:alert(1)></iframe><img src=q onerror=alert(9)>")
    for persona in ("triager", "developer"):
        text = personas.client(persona).get(url("issue_detail", issue)).content.decode()
        _assert_no_live_markup(text)
        assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in text
        assert "&lt;img src=x onerror=alert(&#x27;d&#x27;)&gt;" in text
        assert "&lt;script&gt;alert(&#x27;comment&#x27;)&lt;/script&gt;" in text
        assert "&lt;iframe src=javascript:alert(1)&gt;" in text


def test_hostile_component_text_is_escaped(personas):
    issue = report(personas, component_id=None, component_text="<script>alert('comp')</script>")
    text = personas.client("triager").get(url("issue_detail", issue)).content.decode()
    _assert_no_live_markup(text)
    assert "&lt;script&gt;alert(&#x27;comp&#x27;)&lt;/script&gt;" in text


def _grow(personas, issue, comments: int, lines: int) -> None:
    for n in range(comments):
        files = [services.IncomingFile(f"log{n}.txt", "text/plain", b"x")]
        services.comment_add(actor=personas.triager, issue=issue, body=f"comment {n}", files=files)
    for n in range(lines):
        line, _ = ReleaseLine.objects.get_or_create(name=f"Line {n:02d}")
        for component in ("core_api", "billing"):
            BackportEntry.objects.create(issue=issue, component=personas.world[component], release_line=line)


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["triager", "developer"])
def test_query_count_does_not_grow_with_comments_or_backport_cells(personas, persona):
    small, large = team_issue(personas), team_issue(personas)
    _grow(personas, small, comments=1, lines=1)
    _grow(personas, large, comments=12, lines=8)
    client = personas.client(persona)
    client.get(url("issue_detail", small))  # warm the session and per-process caches
    counted_small = _queries(client, url("issue_detail", small))
    counted_large = _queries(client, url("issue_detail", large))
    assert counted_small == counted_large
    assert counted_large < 60
    text = client.get(url("issue_detail", large)).content.decode()
    assert text.count('class="cell bp-unknown"') == 16 and "comment 11" in text
