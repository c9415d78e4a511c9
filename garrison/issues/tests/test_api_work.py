"""The issues API, day-to-day work: comments, attachments, backport matrix, history; levels, labels, CVSS."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import ApiClient, make_token
from garrison.issues.models import BackportEntry, IssueAttachment, IssueComment
from garrison.org.models import ReleaseLine
from tests.authz import world as authz_world

BASE = "/api/v1/issues"


Api = ApiClient


def api_client(user: Any, scopes: Any = None) -> Api:
    return Api(make_token(user, scopes) if user is not None else None)


def errors(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def upload(user: Any, key: str, content: bytes, name: str = "poc.html", **fields: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, content, content_type="text/html"), **fields}
    return Client().post(f"{BASE}/{key}/attachments", data, headers={"Authorization": f"Bearer {make_token(user)}"})


@pytest.fixture
def w(personas: Any) -> dict[str, Any]:
    return authz_world.build(personas)


# --- comments --------------------------------------------------------------------------------------------------


def test_comments_list_with_attachment_metadata(personas, w):
    body = api_client(personas.developer).get(f"{BASE}/{w['issue'].key}/comments").json()
    assert [(c["body"], c["visibility"]) for c in body["items"]] == [
        ("internal note", "internal"),
        ("Thanks, looking", "reporter"),
    ]
    assert body["items"][0]["author"]["email"] == "lead@example.org"
    assert body["next_cursor"] is None


def test_developer_comments_internally_but_not_to_the_reporter(personas, w):
    api = api_client(personas.developer)
    url = f"{BASE}/{w['issue'].key}/comments"
    response = api.post(url, {"body": "Patch is up"})
    assert response.status_code == 201
    assert (response.json()["body"], response.json()["visibility"]) == ("Patch is up", "internal")
    before = IssueComment.objects.count()
    refused = api.post(url, {"body": "Dear reporter", "visibility": "reporter"})
    assert refused.status_code == 422
    assert "visibility" in errors(refused)
    assert IssueComment.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "  "}, "body"),
        ({}, "body"),
        ({"body": "x", "visibility": "public"}, "visibility"),
        ({"body": 1}, "body"),
    ],
)
def test_bad_comments_are_422(personas, w, body, field):
    before = IssueComment.objects.count()
    response = api_client(personas.triager).post(f"{BASE}/{w['issue'].key}/comments", body)
    assert response.status_code == 422
    assert field in errors(response)
    assert IssueComment.objects.count() == before


def test_comment_pages(personas, w):
    api = api_client(personas.triager)
    url = f"{BASE}/{w['issue'].key}/comments"
    for n in range(3):
        api.post(url, {"body": f"note {n}"})
    first = api.get(url, limit=2).json()
    second = api.get(url, limit=2, cursor=first["next_cursor"]).json()
    third = api.get(url, limit=2, cursor=second["next_cursor"]).json()
    bodies = [c["body"] for page in (first, second, third) for c in page["items"]]
    assert bodies == ["internal note", "Thanks, looking", "note 0", "note 1", "note 2"]
    assert third["next_cursor"] is None


# --- attachments -----------------------------------------------------------------------------------------------


def test_upload_list_and_download(personas, w):
    key = w["issue"].key
    content = b"<script>alert(1)</script>"
    response = upload(personas.developer, key, content, "../../evil name.html", note="reproducer")
    assert response.status_code == 201, response.content
    comment = response.json()
    assert comment["body"] == "reproducer"
    [meta] = comment["attachments"]
    assert (meta["filename"], meta["size"], meta["sha256"]) == (
        "evil name.html",
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    listed = api_client(personas.triager).get(f"{BASE}/{key}/attachments").json()["items"]
    assert [a["filename"] for a in listed] == ["poc.txt", "evil name.html"]
    assert listed[1]["uploaded_by"]["email"] == "dev@example.org"

    download = api_client(personas.triager).get(f"{BASE}/{key}/attachments/{meta['id']}")
    assert download.status_code == 200
    assert download.content == content
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.filter(action=AuditAction.ISSUE_ATTACHMENT_DOWNLOADED).latest("seq")
    assert (event.actor_label, event.data) == ("triager@example.org", {"attachment": meta["id"]})


def test_upload_without_a_note_names_the_file(personas, w):
    response = upload(personas.triager, w["issue"].key, b"data", "trace.log")
    assert response.json()["body"] == "Attached trace.log"


def test_oversized_upload_is_422_on_file_and_stores_nothing(personas, w, settings):
    settings.GARRISON_ATTACHMENT_MAX_BYTES = 10
    before = (IssueComment.objects.count(), IssueAttachment.objects.count())
    response = upload(personas.triager, w["issue"].key, b"x" * 11)
    assert response.status_code == 422
    assert errors(response)["file"] == "The file is 11 bytes; the limit is 10 bytes."
    assert (IssueComment.objects.count(), IssueAttachment.objects.count()) == before


def test_upload_without_a_file_is_422(personas, w):
    response = Client().post(
        f"{BASE}/{w['issue'].key}/attachments",
        {"note": "forgot it"},
        headers={"Authorization": f"Bearer {make_token(personas.triager)}"},
    )
    assert response.status_code == 422
    assert "file" in errors(response)


def test_upload_denied_or_hidden_stores_nothing(personas, w):
    before = IssueAttachment.objects.count()
    assert upload(personas.auditor, w["public_issue"].key, b"x").status_code == 403
    assert upload(personas.admin, w["issue"].key, b"x").status_code == 404
    assert upload(personas.developer, w["billing_issue"].key, b"x").status_code == 404
    assert IssueAttachment.objects.count() == before


def test_attachment_of_another_issue_is_404_and_not_audited(personas, w):
    api = api_client(personas.triager)
    api.get("/api/v1/me")
    before = AuditEvent.objects.count()
    url = f"{BASE}/{w['secret_issue'].key}/attachments/{w['attachment'].pk}"
    assert api.get(url).status_code == 404
    assert api.get(f"{BASE}/{w['issue'].key}/attachments/not-a-uuid").status_code == 404
    assert AuditEvent.objects.count() == before


# --- backports -------------------------------------------------------------------------------------------------


def test_backport_cell_set_by_names_and_listed(personas, w):
    api = api_client(personas.developer)
    key = w["issue"].key
    response = api.put(
        f"{BASE}/{key}/backports",
        {
            "component": "core-api",
            "release_line": "Quesnelia",
            "status": "fixed",
            "fixed_version": "1.0.1",
            "fix_links": ["https://git.example.org/commit/abc", "https://git.example.org/pr/7"],
        },
    )
    assert response.status_code == 200, response.content
    cell = response.json()
    assert (cell["component"]["name"], cell["release_line"]["name"], cell["status"], cell["fixed_version"]) == (
        "core-api",
        "Quesnelia",
        "fixed",
        "1.0.1",
    )
    assert cell["fix_links"] == ["https://git.example.org/commit/abc", "https://git.example.org/pr/7"]
    listed = api_client(personas.triager).get(f"{BASE}/{key}/backports").json()
    assert [c["id"] for c in listed] == [cell["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"component": "core-api", "release_line": "Quesnelia", "status": "done"}, "status"),
        ({"component": "core-api", "release_line": "Quesnelia", "status": "fixed"}, "fixed_version"),
        (
            {"component": "core-api", "release_line": "Quesnelia", "status": "affected", "fix_links": ["ftp://x"]},
            "fix_links",
        ),
        ({"component": "core-api", "release_line": "Quesnelia", "status": "affected", "fix_links": "x"}, "fix_links"),
        ({"component": "nope", "release_line": "Quesnelia", "status": "affected"}, "component"),
        ({"component": "red-cell-tooling", "release_line": "Quesnelia", "status": "affected"}, "component"),
        ({"component": "core-api", "release_line": "Poppy", "status": "affected"}, "release_line"),
        ({"release_line": "Quesnelia", "status": "affected"}, "component"),
    ],
)
def test_bad_backport_cells_are_422_and_store_nothing(personas, w, body, field):
    response = api_client(personas.triager).put(f"{BASE}/{w['issue'].key}/backports", body)
    assert response.status_code == 422
    assert field in errors(response)
    assert not BackportEntry.objects.exists()


def test_developer_may_not_edit_backports_of_another_team(personas, w):
    """A level that admits developers by role shows billing to the developer, whose team is not responsible."""
    from garrison.issues import services

    level = services.level_save(actor=personas.security_lead, name="Developers", roles=["developer"])
    services.issue_set_level(actor=personas.security_lead, issue=w["billing_issue"], level=level)
    api = api_client(personas.developer)
    key = w["billing_issue"].key
    assert api.get(f"{BASE}/{key}").status_code == 200
    body = {"component": "billing", "release_line": "Quesnelia", "status": "affected"}
    assert api.put(f"{BASE}/{key}/backports", body).status_code == 403
    assert api.post(f"{BASE}/{key}/backports/ensure").status_code == 403
    assert not BackportEntry.objects.exists()


def test_ensure_adds_a_cell_per_supported_line(personas, w):
    ReleaseLine.objects.create(name="Poppy")
    api = api_client(personas.triager)
    body = api.post(f"{BASE}/{w['issue'].key}/backports/ensure").json()
    assert body["created"] == 2
    assert sorted(c["release_line"]["name"] for c in body["items"]) == ["Poppy", "Quesnelia"]
    assert {c["status"] for c in body["items"]} == {"unknown"}
    assert api.post(f"{BASE}/{w['issue'].key}/backports/ensure").json()["created"] == 0


# --- history ---------------------------------------------------------------------------------------------------


def test_history_names_fields_never_values(personas, w):
    api = api_client(personas.triager)
    key = w["issue"].key
    api.patch(f"{BASE}/{key}", {"impact": "Secret impact text"})
    response = api_client(personas.developer).get(f"{BASE}/{key}/history")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["action"] for i in items] == [
        AuditAction.ISSUE_REPORTED,
        AuditAction.ISSUE_LEVEL_CHANGED,
        AuditAction.ISSUE_COMMENTED,
        AuditAction.ISSUE_COMMENTED,
        AuditAction.ISSUE_UPDATED,
    ]
    assert items[0]["actor"] == "reporter"
    assert items[-1]["actor"] == "triager@example.org"
    assert items[-1]["fields"] == ["impact"]
    assert items[-1]["data_fields"] == ["fields"]
    assert "Secret impact text" not in response.content.decode()
    assert "Stored XSS" not in response.content.decode()


# --- levels, labels, cvss --------------------------------------------------------------------------------------


def test_security_levels_most_restrictive_first(personas, w):
    response = api_client(personas.auditor).get("/api/v1/security-levels")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["rank"] for i in items] == sorted(i["rank"] for i in items)
    assert "Security + component team" in [i["name"] for i in items]
    assert api_client(personas.developer).get("/api/v1/security-levels").status_code == 403


def test_issue_labels(personas, w):
    from garrison.issues import services

    services.label_create(actor=personas.security_lead, name="Preparedness Work")
    names = [i["name"] for i in api_client(personas.developer).get("/api/v1/issue-labels").json()["items"]]
    assert "preparedness-work" in names


def test_cvss_calculator(personas, w):
    api = api_client(personas.developer)
    response = api.post(
        "/api/v1/cvss/score", {"vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}
    )
    assert response.status_code == 200
    assert response.json()["version"] == "4.0"
    assert response.json()["severity"] == "critical"
    bad = api.post("/api/v1/cvss/score", {"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Z"})
    assert bad.status_code == 422
    assert "A" in errors(bad)["vector"]
    assert api_client(personas.outsider).post("/api/v1/cvss/score", {"vector": "CVSS:3.1/AV:N"}).status_code == 403
