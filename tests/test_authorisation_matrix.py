"""The authorisation matrix: every page and API operation, for every persona.

For each route: the expected status per persona; no Secret-labelled name in any response; the Private-labelled
client only in responses to the roles its label admits; and a denied write changes nothing in the database.
A route without an entry here fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Max
from django.urls import URLPattern, URLResolver, get_resolver

from garrison.api.api import api as ninja_api
from garrison.core.tests.api_client import ApiClient, make_token
from tests.authz import world as world_mod
from tests.authz.routes import MATRIX
from tests.authz.spec import ADMIN, ANON, AUDITOR, LEAD, PERSONAS, Check

# Bookkeeping tables that legitimately change on any request (throttle counters, the audit chain head moves
# together with AuditEvent, which is checked).
_TRACKED_APPS = {"core", "access", "audit", "accounts", "org", "findings", "issues", "notify", "disclosure"}
_UNTRACKED = {"core.ratecounter", "audit.auditchainhead", "sessions.session"}


def _web_routes() -> set[str]:
    api_paths: set[str] = set()
    for path, ops in ninja_api.get_openapi_schema()["paths"].items():
        api_paths.update(f"{method.upper()} {path}" for method in ops)
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                names.add(name)

    walk(get_resolver().url_patterns, None)
    operation_names = {n for n in names if n.startswith("api:")} - {
        "api:openapi-json",
        "api:openapi-view",
        "api:api-root",
    }
    return (names - operation_names) | api_paths


def test_every_route_is_in_the_matrix():
    routes = _web_routes()
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"routes without an authorisation-matrix entry (add them to tests/authz/routes.py): {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def _snapshot() -> dict[str, tuple[int, Any]]:
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _UNTRACKED or model._meta.app_label not in _TRACKED_APPS:
            continue
        fields = {f.name for f in model._meta.get_fields()}
        stamp = model._default_manager.aggregate(m=Max("updated_at"))["m"] if "updated_at" in fields else None
        state[label] = (model._default_manager.count(), stamp)
    return state


def _send(check: Check, persona: str, personas: Any, w: dict[str, Any], clients: dict[str, Any]) -> Any:
    url = check.url(w)
    body = check.body(w) if check.body else None
    if check.api:
        key = f"api:{persona}"
        if key not in clients:
            clients[key] = ApiClient(None if persona == ANON else make_token(personas.user(persona)))
        client = clients[key]
        if check.method == "GET":
            return client.get(url)
        if check.method == "DELETE":
            return client.delete(url)
        return getattr(client, check.method.lower())(url, body if body is not None else {})
    if persona not in clients:
        clients[persona] = personas.client(persona)
    client = clients[persona]
    if check.method == "GET":
        return client.get(url)
    return client.post(url, body or {})


def _visible_text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_for_every_persona(route: str, personas: Any) -> None:
    w = world_mod.build(personas)
    clients: dict[str, Any] = {}
    for check in MATRIX[route]:
        # Denied personas first, while the state is pristine; then the allowed ones.
        order = sorted(PERSONAS, key=lambda p: p in check.allowed)
        for persona in order:
            if check.api and persona != ANON:
                _send(Check("GET", lambda _w: "/api/v1/me", frozenset(), api=True), persona, personas, w, clients)
            before = _snapshot() if check.writes and persona not in check.allowed else None
            response = _send(check, persona, personas, w, clients)
            expected = check.expected(persona)
            assert response.status_code in expected, (
                f"{route} {check.method} as {persona}: got {response.status_code}, expected {sorted(expected)}"
            )
            text = _visible_text(response)
            for marker in world_mod.SECRET_MARKERS:
                assert marker not in text, f"{route} as {persona} shows Secret-labelled {marker!r}"
            if persona not in world_mod.EMBARGO_READERS:
                assert world_mod.EMBARGO_MARKER not in text, f"{route} as {persona} shows an embargoed issue"
            if persona not in {ADMIN, LEAD, AUDITOR}:
                assert world_mod.PRIVATE_MARKER not in text, f"{route} as {persona} shows a Private-labelled client"
            if before is not None:
                assert _snapshot() == before, f"{route} {check.method} as {persona} was denied but changed data"


def test_matrix_entries_are_well_formed():
    for route, checks in MATRIX.items():
        assert checks, route
        for check in checks:
            assert check.allowed.isdisjoint(check.hidden), route
            assert check.api == (" /api/" in route), route
            json.dumps(sorted(check.allowed))
