"""CSV and JSON Lines exports: content, formula escaping, streaming, and the export's own audit record."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from garrison.audit.actions import AuditAction
from garrison.audit.chain import compute_hash
from garrison.audit.exports import COLUMNS, safe_cell
from garrison.audit.models import AuditEvent
from garrison.audit.tests.conftest import add_event

CSV_URL = reverse("audit:export_csv")
JSONL_URL = reverse("audit:export_jsonl")


def _body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return response.getvalue().decode("utf-8")


def _csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_body(response))))


def test_csv_export_has_every_column_and_row(personas):
    first = add_event(AuditAction.TEAM_CREATED, actor=personas.admin, target=personas.developer, data={"k": "v"})

    response = personas.client("auditor").get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="garrison-audit-')
    rows = _csv_rows(response)
    assert list(rows[0].keys()) == list(COLUMNS)
    assert rows[0] == {
        "seq": "1",
        "created_at": first.created_at.isoformat(),
        "actor_id": str(personas.admin.pk),
        "actor_label": "admin@example.org",
        "action": "org.team_created",
        "target_type": "accounts.user",
        "target_id": str(personas.developer.pk),
        "ip": "",
        "user_agent": "",
        "via": "cli",
        "data": '{"k": "v"}',
        "prev_hash": first.prev_hash,
        "hash": first.hash,
    }


def test_csv_export_follows_the_filter(personas):
    add_event(AuditAction.TEAM_CREATED)
    add_event(AuditAction.TEAM_UPDATED)

    response = personas.client("auditor").get(CSV_URL, {"action": AuditAction.TEAM_UPDATED.value})

    assert [row["seq"] for row in _csv_rows(response)] == ["2"]


@pytest.mark.parametrize("label", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"])
def test_csv_cells_that_could_be_formulas_are_quoted(personas, label):
    add_event(AuditAction.SIGN_IN_FAILED, actor_label=label)

    rows = _csv_rows(personas.client("auditor").get(CSV_URL, {"action": AuditAction.SIGN_IN_FAILED.value}))

    assert rows[0]["actor_label"] == "'" + label


def test_safe_cell_leaves_ordinary_text_alone():
    assert safe_cell("admin@example.org") == "admin@example.org"


def test_jsonl_export_lines_rehash_to_their_hash(personas):
    add_event(AuditAction.TEAM_CREATED, actor=personas.admin, data={"name": "Platform"})
    add_event(AuditAction.TEAM_UPDATED, actor=personas.admin, data={"name": "Platform 2"})

    response = personas.client("auditor").get(JSONL_URL)

    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    lines = [json.loads(line) for line in _body(response).splitlines()]
    # the export's own record (seq 3) was written before streaming, so it is part of the export
    assert [line["seq"] for line in lines] == [1, 2, 3]
    for line in lines:
        digest = line.pop("hash")
        assert compute_hash(line) == digest


@pytest.mark.parametrize(("url", "fmt"), [(CSV_URL, "csv"), (JSONL_URL, "jsonl")])
def test_export_is_itself_audited_with_the_filter(personas, url, fmt):
    personas.client("auditor").get(url, {"action": AuditAction.SIGN_IN.value, "since": "2025-01-01"})

    event = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORTED)
    assert event.actor_id == personas.auditor.pk
    assert event.data == {"format": fmt, "filters": {"action": "accounts.sign_in", "since": "2025-01-01"}}


@pytest.mark.parametrize("url", [CSV_URL, JSONL_URL])
@pytest.mark.parametrize("persona", ["triager", "developer", "outsider", "reporter"])
def test_export_refused_without_permission_and_not_recorded(personas, url, persona):
    add_event(AuditAction.TEAM_CREATED)

    response = personas.client(persona).get(url)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).exists()


def test_export_requires_sign_in(personas):
    response = personas.client("anonymous").get(CSV_URL)

    assert response.status_code == 302


def test_export_with_bad_filter_is_400_and_not_recorded(personas):
    response = personas.client("auditor").get(CSV_URL, {"since": "not-a-date"})

    assert response.status_code == 400
    assert b"since: Enter a valid date." in response.content
    assert not AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).exists()


def test_export_queries_do_not_grow_with_rows(personas, django_assert_num_queries):
    for i in range(30):
        add_event(AuditAction.TEAM_CREATED, data={"n": i})
    client = personas.client("auditor")

    # session, user; the export's record: savepoint, lock head, insert, update head, release; one streamed select
    with django_assert_num_queries(8):
        rows = _csv_rows(client.get(CSV_URL))
    assert len(rows) == 31
