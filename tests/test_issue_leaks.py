"""Leak test: every persona against issues of every security level, through every way an issue can be read.

One issue per level (the three seeded ones, a level naming the developer role, a level naming the auditor by
name, and a public issue), each with a unique marker in its title, description, comments and attachment name.
The expected audience is written out here by hand from the rule (ADR 0008), not computed with the selector under
test. Each persona then reads the list, search, CSV export, dashboard, detail, attachment, the API list, search,
count, detail, comments, attachments and history; a marker must appear exactly where the persona may see it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from garrison.core.tests.api_client import ApiClient, make_token
from garrison.issues import services
from garrison.issues.models import Channel, CommentVisibility, SecurityLevel

pytestmark = pytest.mark.django_db

ALL = ("reporter", "outsider", "developer", "triager", "security_lead", "auditor", "admin")
SECURITY_TEAM = {"triager", "security_lead"}
# level name -> personas (beyond nobody) who may see an issue at that level whose component is core-api (the
# developer's team is responsible for core-api).
AUDIENCE: dict[str, set[str]] = {
    "Security team only": SECURITY_TEAM,
    "Security + component team": SECURITY_TEAM | {"developer"},
    "Security + component team + trusted installations": SECURITY_TEAM | {"developer"},
    "Developers": SECURITY_TEAM | {"developer"},
    "Named auditor": SECURITY_TEAM | {"auditor"},
    "public": SECURITY_TEAM | {"developer", "auditor", "admin"},
}


def _marker(level: str) -> str:
    return "Mk" + re.sub(r"[^A-Za-z]", "", level)[:24] + "Zq"


def _build(personas: Any) -> dict[str, dict[str, Any]]:
    lead = personas.security_lead
    services.level_save(actor=lead, name="Developers", roles=["developer"], rank=50)
    services.level_save(actor=lead, name="Named auditor", users=[personas.auditor], rank=60)
    made: dict[str, dict[str, Any]] = {}
    for level_name in AUDIENCE:
        marker = _marker(level_name)
        report = services.ReportData(
            title=f"{marker} title",
            description=f"{marker} description",
            component_id=personas.world["core_api"].pk,
            reporter_email="finder@example.net",
            attachments=[services.IncomingFile(f"{marker}.txt", "text/plain", marker.encode())],
        )
        issue = services.issue_intake(report=report, channel=Channel.FORM).issue
        if level_name == "public":
            issue = services.issue_set_public(actor=lead, issue=issue, public=True, reason="upstream CVE")
        else:
            level = SecurityLevel.objects.get(name=level_name)
            issue = services.issue_set_level(actor=lead, issue=issue, level=level)
        services.comment_add(actor=lead, issue=issue, body=f"{marker} internal")
        services.comment_add(
            actor=lead, issue=issue, body=f"{marker} to reporter", visibility=CommentVisibility.REPORTER
        )
        made[level_name] = {"issue": issue, "marker": marker, "attachment": issue.attachments.get()}
    return made


def _reads(personas: Any, who: str, made: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Everything the persona gets back, per issue level, as one text per level (and one shared text)."""
    web = personas.client(who)
    api = ApiClient(make_token(personas.user(who)))
    shared = []
    # Searches use a word every test title has: a page echoes its search box, so a marker as query would "leak".
    for url in ("/issues/?show=all", "/issues/?q=title&show=all", "/issues/export.csv?show=all", "/"):
        response = web.get(url)
        shared.append(_text(response))
    shared.append(_text(api.get("/api/v1/issues", limit=200)))
    shared.append(_text(api.get("/api/v1/issues", q="title")))
    per_level: dict[str, str] = {}
    for level_name, item in made.items():
        issue = item["issue"]
        texts = [
            _text(web.get(f"/issues/{issue.pk}/")),
            _text(web.get(f"/issues/{issue.pk}/files/{item['attachment'].pk}")),
            _text(api.get(f"/api/v1/issues/{issue.key}")),
            _text(api.get(f"/api/v1/issues/{issue.key}/comments")),
            _text(api.get(f"/api/v1/issues/{issue.key}/attachments")),
            _text(api.get(f"/api/v1/issues/{issue.key}/attachments/{item['attachment'].pk}")),
            _text(api.get(f"/api/v1/issues/{issue.key}/history")),
        ]
        per_level[level_name] = "\n".join(texts)
    per_level["*shared*"] = "\n".join(shared)
    return per_level


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("who", ALL)
def test_each_persona_reads_exactly_the_issues_its_levels_admit(personas, who):
    made = _build(personas)
    reads = _reads(personas, who, made)
    for level_name, item in made.items():
        marker = item["marker"]
        seen_here = marker in reads[level_name]
        seen_in_lists = marker in reads["*shared*"]
        if who in AUDIENCE[level_name]:
            assert seen_here, f"{who} should see the {level_name!r} issue"
        else:
            assert not seen_here, f"{who} sees the {level_name!r} issue through a direct URL"
            assert not seen_in_lists, f"{who} sees the {level_name!r} issue in a list, export or the dashboard"
            for other, text in reads.items():
                assert marker not in text, f"{who} sees the {level_name!r} issue while reading {other!r}"


@pytest.mark.parametrize("who", ALL)
def test_counts_and_search_hits_match_the_audience(personas, who):
    made = _build(personas)
    api = ApiClient(make_token(personas.user(who)))
    for level_name, item in made.items():
        response = api.get("/api/v1/issues/count", q=item["marker"])
        expected = 1 if who in AUDIENCE[level_name] else 0
        if who in {"reporter", "outsider"}:
            assert response.status_code == 403
        else:
            assert response.json()["count"] == expected, (who, level_name)


def test_notification_emails_carry_no_embargoed_detail(personas, django_capture_on_commit_callbacks):
    """Every email sent while reports arrive, are commented on and replied to: keys and links only."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        made = _build(personas)
        for item in made.values():
            services.reporter_reply(issue=item["issue"], body=f"{item['marker']} reply from the reporter")
    assert mail.outbox, "the reports should have notified someone"
    for message in mail.outbox:
        alternatives = getattr(message, "alternatives", [])
        text = "\n".join([str(message.subject), str(message.body), *[str(a) for a in alternatives]])
        for item in made.values():
            assert item["marker"] not in text, f"an email to {message.to} carries embargoed text"
