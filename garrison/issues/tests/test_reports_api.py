"""The public report API: POST /api/v1/reports, GET /api/v1/reports/{token}, POST .../{token}/replies."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import override_settings

from garrison.core.crypto import open_bytes
from garrison.core.tests.api_client import ApiClient
from garrison.issues import services
from garrison.issues.models import Channel, CommentVisibility, IssueComment, SecurityIssue

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon() -> ApiClient:
    return ApiClient(None)


def _body(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "SSRF in webhook test",
        "description": "The test button fetches any URL, including 169.254.169.254.",
        "reporter_name": "Sam Finder",
        "reporter_email": "sam@example.net",
        "credit_name": "Sam F.",
    }
    data.update(kw)
    return data


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _errors(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return {e["field"]: e["message"] for e in body["errors"]}


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


def test_report_stores_one_issue_with_sealed_contact(anon, personas):
    core_api = personas.world["core_api"]
    body = _body(
        component="core-api",
        cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
        exposure="exploited",
        exposure_links=["https://example.net/a", " "],
        consent_to_share=True,
        attachments=[{"filename": "poc.sh", "content_type": "text/x-sh", "content_base64": _b64(b"curl x")}],
    )
    out = _created(anon.post("/api/v1/reports", body))
    issue = SecurityIssue.objects.get()
    assert out["key"] == issue.key
    assert out["tracking_url"].endswith(f"/track/{out['tracking_token']}")
    assert issue.channel == Channel.API and issue.component == core_api and issue.reporter_user is None
    assert issue.exposure == "exploited" and issue.priority == "p1" and issue.exposure_links == "https://example.net/a"
    assert issue.consent_to_share and issue.credit_name == "Sam F."
    assert "sam@" not in issue.reporter_email_sealed and services.reporter_contact(issue) == (
        "Sam Finder",
        "sam@example.net",
    )
    attachment = issue.attachments.get()
    assert attachment.filename == "poc.sh" and attachment.size == 6
    assert open_bytes(attachment.key_id, attachment.sealed, associated_data=f"issue.attachment:{attachment.pk}") == (
        b"curl x"
    )


def test_component_by_id_and_anonymous_report(anon, personas):
    billing = personas.world["billing"]
    body = {"title": "t", "description": "d", "component": str(billing.pk)}
    _created(anon.post("/api/v1/reports", body))
    issue = SecurityIssue.objects.get()
    assert issue.component == billing
    assert (issue.reporter_name_sealed, issue.reporter_email_sealed) == ("", "")


def _refused(anon: ApiClient, body: dict[str, Any]) -> dict[str, str]:
    response = anon.post("/api/v1/reports", body)
    assert response.status_code == 422, response.content
    assert not SecurityIssue.objects.exists()
    return _errors(response)


def test_missing_title_and_description(anon, personas):
    assert set(_refused(anon, {"title": "x"})) == {"description"}
    assert set(_refused(anon, {"description": "x"})) == {"title"}
    errors = _refused(anon, _body(title=" ", description=""))
    assert errors == {"title": "Give the report a short summary.", "description": "Describe the vulnerability."}


def test_invalid_cvss_vector_names_the_metric(anon, personas):
    errors = _refused(anon, _body(cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Z"))
    assert "A:Z" in errors["cvss_vector"]


def test_invalid_email(anon, personas):
    assert "valid email" in _refused(anon, _body(reporter_email="sam at example"))["reporter_email"]


def test_bad_base64_names_the_field(anon, personas):
    files = [
        {"filename": "ok.txt", "content_base64": _b64(b"ok")},
        {"filename": "bad.txt", "content_base64": "***not base64***"},
    ]
    errors = _refused(anon, _body(attachments=files))
    assert set(errors) == {"attachments.1.content_base64"}
    assert "bad.txt: not valid base64" in errors["attachments.1.content_base64"]


@override_settings(GARRISON_ATTACHMENT_MAX_BYTES=10)
def test_oversized_attachment_names_the_file_and_the_limit(anon, personas):
    errors = _refused(anon, _body(attachments=[{"filename": "dump.bin", "content_base64": _b64(b"x" * 30)}]))
    assert errors == {"attachments.0.content_base64": "dump.bin is larger than the limit of 10 bytes per file."}


@override_settings(GARRISON_ATTACHMENT_MAX_BYTES=10)
def test_attachment_just_over_the_limit_is_refused_by_its_decoded_size(anon, personas):
    errors = _refused(anon, _body(attachments=[{"filename": "d.bin", "content_base64": _b64(b"x" * 11)}]))
    assert "d.bin is 11 bytes; the limit is 10 bytes" in errors["attachments"]


@override_settings(GARRISON_ATTACHMENT_MAX_FILES=1)
def test_too_many_files(anon, personas):
    files = [{"filename": f"f{i}", "content_base64": _b64(b"x")} for i in range(2)]
    assert _refused(anon, _body(attachments=files)) == {"attachments": "At most 1 files per message (got 2)."}


def test_unknown_component_and_unknown_fields(anon, personas):
    assert "not a component on the public list" in _refused(anon, _body(component="nope"))["component"]
    assert "security_level" in _refused(anon, _body(security_level="public"))


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
def test_body_over_the_limit_is_413(anon, personas):
    response = anon.post("/api/v1/reports", _body(description="x" * 3000))
    assert response.status_code == 413 and "at most 2,000" in response.json()["detail"]
    assert not SecurityIssue.objects.exists()


@override_settings(GARRISON_REPORT_RATE_PER_HOUR=2)
def test_flood_from_one_address_is_refused_after_the_limit(anon, personas):
    for i in range(2):
        _created(anon.post("/api/v1/reports", _body(title=f"report {i}")))
    response = anon.post("/api/v1/reports", _body(title="one too many"))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert _errors(response) == {} and "Too many reports" in response.json()["detail"]
    assert SecurityIssue.objects.count() == 2


def _filed(anon: ApiClient, personas: Any) -> tuple[SecurityIssue, str]:
    out = _created(anon.post("/api/v1/reports", _body()))
    issue = SecurityIssue.objects.get()
    lead = personas.security_lead
    services.comment_add(actor=lead, issue=issue, body="INTERNAL note: looks like SEC-9")
    services.comment_add(
        actor=lead,
        issue=issue,
        body="Confirmed, thank you.",
        visibility=CommentVisibility.REPORTER,
        files=[services.IncomingFile("fix.diff", "text/plain", b"+ check")],
    )
    return issue, out["tracking_token"]


def test_follow_a_report_shows_reporter_comments_never_internal_ones(anon, personas):
    issue, token = _filed(anon, personas)
    response = anon.get(f"/api/v1/reports/{token}")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    out = response.json()
    assert (out["key"], out["status"], out["status_label"], out["credit_name"]) == (issue.key, "new", "New", "Sam F.")
    assert [c["body"] for c in out["comments"]] == ["Confirmed, thank you."]
    [shared] = out["comments"][0]["attachments"]
    assert shared["filename"] == "fix.diff" and shared["download_url"].endswith(f"/track/{token}/files/{shared['id']}")
    assert "INTERNAL" not in response.content.decode()
    assert "security_level" not in out and "owner" not in out


def test_unknown_token_is_404_in_the_house_shape(anon, personas):
    response = anon.get("/api/v1/reports/not-a-token")
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "errors": []}
    assert anon.post("/api/v1/reports/not-a-token/replies", {"body": "hi"}).status_code == 404


@override_settings(GARRISON_TRACKING_GUESSES_PER_HOUR=1)
def test_token_guessing_is_throttled(anon, personas):
    _, token = _filed(anon, personas)
    for i in range(2):
        assert anon.get(f"/api/v1/reports/guess{i}").status_code == 404
    response = anon.get(f"/api/v1/reports/{token}")
    assert response.status_code == 429 and "Confirmed" not in response.content.decode()


def test_reply(anon, personas):
    issue, token = _filed(anon, personas)
    body = {"body": "Also affects 4.1.", "attachments": [{"filename": "more.txt", "content_base64": _b64(b"m")}]}
    response = anon.post(f"/api/v1/reports/{token}/replies", body)
    assert response.status_code == 201, response.content
    comment = IssueComment.objects.get(pk=response.json()["id"])
    assert comment.from_reporter and comment.channel == Channel.API and comment.issue == issue
    assert comment.attachments.get().filename == "more.txt"
    bodies = [c["body"] for c in anon.get(f"/api/v1/reports/{token}").json()["comments"]]
    assert bodies == ["Confirmed, thank you.", "Also affects 4.1."]


def test_empty_reply_is_refused(anon, personas):
    _, token = _filed(anon, personas)
    response = anon.post(f"/api/v1/reports/{token}/replies", {"body": ""})
    assert response.status_code == 422 and _errors(response) == {"body": "Write a message or attach a file."}
    assert not IssueComment.objects.filter(from_reporter=True).exists()
