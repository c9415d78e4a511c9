"""Hostile input to the API is a 4xx with a reason, never a 500."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection

from garrison.core.tests.api_client import api_client


def _cursor(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [[{"a": 1}, "x"], [["x"], "y"], ["2026-01-01T00:00:00+00:00", {"a": 1}]])
def test_a_forged_cursor_with_values_of_the_wrong_type_is_400(personas, values):
    response = api_client(personas.admin).get("/api/v1/scans", cursor=_cursor(values))
    assert response.status_code == 400
    assert response.json()["detail"] == "cursor: not a cursor this API issued"


def test_a_text_cursor_on_a_numeric_key_is_400(personas):
    response = api_client(personas.admin).get("/api/v1/audit/events", cursor=_cursor(["abc"]))
    assert response.status_code == 400


def test_a_nul_character_in_a_query_parameter_is_422(personas):
    # SQLite takes it (no rows); PostgreSQL refuses text with NUL, which used to be a 500.
    response = api_client(personas.admin).get("/api/v1/findings", package="a\x00b")
    assert response.status_code == (422 if connection.vendor == "postgresql" else 200)
