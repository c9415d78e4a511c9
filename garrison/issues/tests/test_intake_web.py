"""The public report form (/report) and the reporter's private tracking page (/track/<token>)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from garrison.core.crypto import open_bytes
from garrison.issues import services
from garrison.issues.models import Channel, CommentVisibility, Exposure, IssueComment, SecurityIssue
from garrison.issues.views.capped_uploads import CappedUploadHandler

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def _form(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "SQL injection in search",
        "description": "The q parameter is concatenated into SQL.",
        "component": "",
        "component_text": "",
        "affected_versions": "4.2",
        "steps_to_reproduce": "GET /search?q='",
        "impact": "Read every table.",
        "cvss_vector": "",
        "exposure": "",
        "exposure_links": "",
        "reporter_name": "Rita Reporter",
        "reporter_email": "rita@example.net",
        "credit_name": "Rita R.",
        "website": "",
    }
    data.update(kw)
    return data


def _token(response: Any) -> str:
    assert response.status_code == 303, response.content.decode()[:2000]
    match = re.fullmatch(r"/track/([A-Za-z0-9_-]+)", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def _text(response: Any) -> str:
    return response.content.decode()


def test_report_form_is_public_and_lists_the_public_components(client, personas):
    response = client.get("/report")
    assert response.status_code == 200
    page = _text(response)
    assert 'type="file" name="attachments" multiple' in page
    assert 'class="hp"' in page and 'name="website"' in page and "style=" not in page
    assert "core-api" in page and "Don&#x27;t know / other" in page


def test_sign_in_page_links_to_the_report_form(client, db):
    page = _text(client.get("/account/login"))
    assert 'href="/report"' in page and "Report a vulnerability" in page


def test_happy_path_stores_one_issue_with_sealed_contact_and_shows_the_link_once(client, personas):
    core_api = personas.world["core_api"]
    proof = SimpleUploadedFile("poc.py", b"print('boom')", content_type="text/x-python")
    data = _form(
        component=str(core_api.pk),
        cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        exposure=Exposure.PUBLIC,
        exposure_links="https://example.net/blog",
        consent_to_share="on",
        attachments=[proof],
    )
    token = _token(client.post("/report", data))

    issue = SecurityIssue.objects.get()
    assert issue.channel == Channel.FORM and issue.component == core_api and issue.reporter_user is None
    assert (issue.cvss_score, issue.severity, issue.exposure) == (Decimal("9.8"), "critical", "public")
    assert issue.consent_to_share and issue.credit_name == "Rita R."
    assert "rita" not in issue.reporter_email_sealed and "Rita" not in issue.reporter_name_sealed
    assert services.reporter_contact(issue) == ("Rita Reporter", "rita@example.net")
    attachment = issue.attachments.get()
    assert open_bytes(attachment.key_id, attachment.sealed, associated_data=f"issue.attachment:{attachment.pk}") == (
        b"print('boom')"
    )

    first = client.get(f"/track/{token}")
    page = _text(first)
    assert first.status_code == 200
    assert "Keep this link; it is the only way to follow your report" in page
    assert f"/track/{token}</p>" in page and "We also send this link to the email address you gave" in page
    assert issue.key in page and "SQL injection in search" in page and "New" in page and "Rita R." in page
    assert "poc.py" in page
    again = _text(client.get(f"/track/{token}"))
    assert "Keep this link" not in again and issue.key in again


def test_a_signed_in_user_is_remembered_as_the_reporter(personas):
    client = personas.client("reporter")
    _token(client.post("/report", _form()))
    assert SecurityIssue.objects.get().reporter_user == personas.reporter


def test_anonymous_report_keeps_no_contact(client, personas):
    token = _token(client.post("/report", _form(reporter_name="", reporter_email="", credit_name="")))
    issue = SecurityIssue.objects.get()
    assert (issue.reporter_name_sealed, issue.reporter_email_sealed, issue.credit_name) == ("", "", "")
    assert services.reporter_contact(issue) == ("", "")
    page = _text(client.get(f"/track/{token}"))
    assert "You gave no email address" in page and "You chose not to be credited" in page


def _refused(client: Client, data: dict[str, Any]) -> str:
    response = client.post("/report", data)
    assert response.status_code == 422, response.status_code
    assert not SecurityIssue.objects.exists()
    return _text(response)


def test_missing_title_and_description_keep_what_was_typed(client, personas):
    page = _refused(client, _form(title="  ", description="", impact="Read every table."))
    assert "Give the report a short summary." in page and "Describe the vulnerability." in page
    assert "Read every table." in page and "rita@example.net" in page  # kept for the next try


def test_invalid_cvss_vector_names_the_metric(client, personas):
    page = _refused(client, _form(cvss_vector="CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
    assert "AV:X" in page


def test_invalid_email(client, personas):
    page = _refused(client, _form(reporter_email="rita@"))
    assert "Enter a valid email address" in page


@override_settings(GARRISON_ATTACHMENT_MAX_BYTES=100)
def test_oversized_attachment_names_the_file_and_the_limit(client, personas):
    big = SimpleUploadedFile("dump.bin", b"x" * 101)
    page = _refused(client, _form(attachments=[SimpleUploadedFile("ok.txt", b"fine"), big]))
    assert "dump.bin is 101 bytes; the limit is 100 bytes" in page


@override_settings(GARRISON_ATTACHMENT_MAX_BYTES=100, FILE_UPLOAD_MAX_MEMORY_SIZE=0)
def test_oversized_attachment_spooled_to_disk_is_refused_too(client, personas):
    page = _refused(client, _form(attachments=[SimpleUploadedFile("dump.bin", b"x" * 5000)]))
    assert "dump.bin is 5,000 bytes; the limit is 100 bytes" in page


@override_settings(GARRISON_ATTACHMENT_MAX_BYTES=100, FILE_UPLOAD_MAX_MEMORY_SIZE=0)
def test_capped_handler_keeps_at_most_the_limit_plus_one_byte():
    body = SimpleUploadedFile("dump.bin", b"y" * 10_000)
    request = RequestFactory().post("/report", {"attachments": body})
    request.upload_handlers = [CappedUploadHandler(request)]
    upload: Any = request.FILES["attachments"]
    assert upload.size == 10_000 and upload.over_limit
    assert upload.read() == b"y" * 101


@override_settings(GARRISON_ATTACHMENT_MAX_FILES=2)
def test_too_many_files(client, personas):
    files = [SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(3)]
    page = _refused(client, _form(attachments=files))
    assert "At most 2 files per message (got 3)." in page


def test_csrf_missing_is_refused_and_stores_nothing(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report", _form())
    assert response.status_code == 403
    assert not SecurityIssue.objects.exists()


@override_settings(GARRISON_REPORT_RATE_PER_HOUR=2)
def test_flood_from_one_address_is_refused_after_the_limit(client, personas):
    for i in range(2):
        _token(client.post("/report", _form(title=f"report {i}")))
    response = client.post("/report", _form(title="one too many"))
    assert response.status_code == 429
    assert "Too many reports" in _text(response) and response["Retry-After"] == "3600"
    assert SecurityIssue.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.7")  # another address is not affected
    _token(other.post("/report", _form(title="from elsewhere")))


def test_honeypot_looks_like_success_and_stores_nothing(client, personas):
    response = client.post("/report", _form(website="http://spam.example"))
    assert response.status_code == 200 and "Thank you" in _text(response)
    assert not SecurityIssue.objects.exists()


def test_hostile_text_is_escaped_on_the_tracking_page(client, personas):
    hostile = f"{SCRIPT} {IMG}"
    fields = (
        "title",
        "description",
        "component_text",
        "affected_versions",
        "steps_to_reproduce",
        "impact",
        "exposure_links",
        "reporter_name",
        "credit_name",
    )
    data = _form(**dict.fromkeys(fields, hostile), attachments=[SimpleUploadedFile(f"{IMG}.txt", b"x")])
    token = _token(client.post("/report", data))
    assert client.post(f"/track/{token}/reply", {"body": hostile}).status_code == 303
    page = _text(client.get(f"/track/{token}"))
    assert SCRIPT not in page and IMG not in page and "<img" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
    # title, description, component, versions, steps, impact, the link (as text), credit, and the reply
    assert page.count(escaped) >= 9


def test_unknown_token_is_a_private_404(client, personas):
    response = client.get("/track/not-a-real-token")
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    assert client.post("/track/not-a-real-token/reply", {"body": "hi"}).status_code == 404


@override_settings(GARRISON_TRACKING_GUESSES_PER_HOUR=2)
def test_token_guessing_is_throttled_even_for_a_right_token(client, personas):
    token = _token(client.post("/report", _form()))
    for i in range(3):
        assert client.get(f"/track/guess{i}").status_code == 404
    response = client.get(f"/track/{token}")
    assert response.status_code == 429 and "SQL injection" not in _text(response)
    assert Client(REMOTE_ADDR="192.0.2.8").get(f"/track/{token}").status_code == 200


def _issue_with_comments(client: Client, personas: Any) -> tuple[SecurityIssue, str]:
    token = _token(client.post("/report", _form()))
    issue = SecurityIssue.objects.get()
    lead = personas.security_lead
    services.comment_add(
        actor=lead,
        issue=issue,
        body="INTERNAL: owner thinks it is a dup",
        files=[services.IncomingFile("internal.log", "text/plain", b"internal bytes")],
    )
    services.comment_add(
        actor=lead,
        issue=issue,
        body="Thanks, we can reproduce it.",
        visibility=CommentVisibility.REPORTER,
        files=[services.IncomingFile("patch.diff", "text/plain", b"the fix")],
    )
    return issue, token


def test_tracking_page_shows_reporter_comments_never_internal_ones(client, personas):
    issue, token = _issue_with_comments(client, personas)
    response = client.get(f"/track/{token}")
    page = _text(response)
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    assert "Thanks, we can reproduce it." in page and "patch.diff" in page
    assert "INTERNAL" not in page and "internal.log" not in page
    assert issue.security_level.name not in page and personas.security_lead.full_name not in page


def test_reporter_downloads_files_as_attachments_but_not_internal_ones(client, personas):
    issue, token = _issue_with_comments(client, personas)
    shared = issue.attachments.get(filename="patch.diff")
    response = client.get(f"/track/{token}/files/{shared.pk}")
    assert response.status_code == 200 and response.content == b"the fix"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="patch.diff"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-store"
    internal = issue.attachments.get(filename="internal.log")
    assert client.get(f"/track/{token}/files/{internal.pk}").status_code == 404
    other = _token(client.post("/report", _form(title="another report")))
    assert client.get(f"/track/{other}/files/{shared.pk}").status_code == 404


def test_reply_with_a_file(client, personas):
    token = _token(client.post("/report", _form()))
    response = client.post(
        f"/track/{token}/reply", {"body": "Here is a video.", "attachments": [SimpleUploadedFile("v.webm", b"vid")]}
    )
    assert response.status_code == 303 and response["Location"] == f"/track/{token}#messages"
    comment = IssueComment.objects.get()
    assert comment.from_reporter and comment.visibility == CommentVisibility.REPORTER and comment.channel == "form"
    assert comment.attachments.get().filename == "v.webm"
    page = _text(client.get(f"/track/{token}"))
    assert "Here is a video." in page and "v.webm" in page and "Your message was sent" in page


def test_empty_reply_is_refused(client, personas):
    token = _token(client.post("/report", _form()))
    response = client.post(f"/track/{token}/reply", {"body": "  "})
    assert response.status_code == 422 and "Write a message or attach a file." in _text(response)
    assert not IssueComment.objects.exists()


def test_reply_needs_the_tracking_token_and_the_csrf_token(client, personas):
    token = _token(client.post("/report", _form()))
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(f"/track/{token}/reply", {"body": "forged"}).status_code == 403
    browser.get(f"/track/{token}")
    csrf = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert browser.post("/track/wrong-token/reply", {"body": "hi", "csrfmiddlewaretoken": csrf}).status_code == 404
    assert not IssueComment.objects.exists()
    assert browser.post(f"/track/{token}/reply", {"body": "hi", "csrfmiddlewaretoken": csrf}).status_code == 303
    assert IssueComment.objects.get().body == "hi"


def test_tracking_page_queries_do_not_grow_with_messages(client, personas):
    issue, token = _issue_with_comments(client, personas)
    client.get(f"/track/{token}")  # the first visit also clears the "keep this link" note from the session
    with CaptureQueriesContext(connection) as few:
        client.get(f"/track/{token}")
    for i in range(5):
        services.comment_add(
            actor=personas.security_lead,
            issue=issue,
            body=f"update {i}",
            visibility=CommentVisibility.REPORTER,
            files=[services.IncomingFile(f"f{i}.txt", "text/plain", b"x")],
        )
        services.reporter_reply(issue=issue, body=f"answer {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/track/{token}")
    assert len(many) == len(few)
