from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import api_client
from garrison.org.models import Client, Component, Release, Team, TeamMembership
from garrison.org.tests.factories import (
    ClientFactory,
    ComponentFactory,
    ReleaseFactory,
    ReleaseLineFactory,
    TeamFactory,
)

BASE = "/api/v1/org"


def errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# --- teams -----------------------------------------------------------------------------------------------------


def test_team_create_and_get(personas):
    api = api_client(personas.security_lead)
    response = api.post(f"{BASE}/teams", {"name": "Security", "lead_id": str(personas.triager.pk)})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Security"
    assert body["lead"]["email"] == "triager@example.org"
    assert [m["email"] for m in body["members"]] == ["triager@example.org"]
    assert api.get(f"{BASE}/teams/{body['id']}").json()["id"] == body["id"]


def test_team_create_denied_to_developer_changes_nothing(personas):
    response = api_client(personas.developer).post(f"{BASE}/teams", {"name": "Rogue"})
    assert response.status_code == 403
    assert not Team.objects.filter(name="Rogue").exists()


def test_team_patch_is_partial(personas):
    payments = personas.world["payments"]
    response = api_client(personas.admin).patch(f"{BASE}/teams/{payments.pk}", {"description": "Money"})
    assert response.status_code == 200
    payments.refresh_from_db()
    assert (payments.name, payments.description) == ("Payments", "Money")


def test_team_members_post_and_delete(personas):
    payments = personas.world["payments"]
    api = api_client(personas.security_lead)
    added = api.post(f"{BASE}/teams/{payments.pk}/members", {"user_id": str(personas.auditor.pk)})
    assert added.status_code == 201
    assert [m["email"] for m in added.json()["members"]] == ["auditor@example.org"]
    removed = api.delete(f"{BASE}/teams/{payments.pk}/members/{personas.auditor.pk}")
    assert removed.status_code == 204
    assert not TeamMembership.objects.filter(team=payments).exists()


def test_unknown_field_is_422_naming_it(personas):
    response = api_client(personas.admin).post(f"{BASE}/teams", {"name": "X", "colour": "red"})
    assert response.status_code == 422
    assert list(errors(response)) == ["colour"]
    assert not Team.objects.filter(name="X").exists()


def test_unknown_field_in_patch_is_422_naming_it(personas):
    payments = personas.world["payments"]
    response = api_client(personas.admin).patch(f"{BASE}/teams/{payments.pk}", {"owner": "me"})
    assert response.status_code == 422
    assert list(errors(response)) == ["owner"]


def test_null_for_a_required_field_in_patch_is_422(personas):
    payments = personas.world["payments"]
    response = api_client(personas.admin).patch(f"{BASE}/teams/{payments.pk}", {"name": None})
    assert response.status_code == 422
    assert list(errors(response)) == ["name"]


def test_invisible_team_is_404(personas):
    secret = TeamFactory.create(name="Ghosts", classification=ClassificationLabel.objects.get(name="Secret"))
    api = api_client(personas.admin)
    assert api.get(f"{BASE}/teams/{secret.pk}").status_code == 404
    assert api.patch(f"{BASE}/teams/{secret.pk}", {"description": "x"}).status_code == 404
    secret.refresh_from_db()
    assert secret.description == ""


def test_token_scope_without_view_is_403(personas):
    api = api_client(personas.admin, scopes=[Permission.COMPONENT_VIEW])
    assert api.get(f"{BASE}/teams").status_code == 403


# --- components ------------------------------------------------------------------------------------------------


def test_component_create_without_team_is_422_on_the_field(personas):
    response = api_client(personas.admin).post(f"{BASE}/components", {"name": "orphan"})
    assert response.status_code == 422
    assert list(errors(response)) == ["responsible_team_id"]
    assert not Component.objects.filter(name="orphan").exists()


def test_component_patch_with_null_team_is_422(personas):
    core_api = personas.world["core_api"]
    response = api_client(personas.admin).patch(f"{BASE}/components/{core_api.pk}", {"responsible_team_id": None})
    assert response.status_code == 422
    assert list(errors(response)) == ["responsible_team_id"]


def test_component_duplicate_name_is_422_on_name(personas):
    response = api_client(personas.admin).post(
        f"{BASE}/components", {"name": "billing", "responsible_team_id": str(personas.world["payments"].pk)}
    )
    assert response.status_code == 422
    assert list(errors(response)) == ["name"]


def test_developer_patches_own_component(personas):
    core_api = personas.world["core_api"]
    response = api_client(personas.developer).patch(
        f"{BASE}/components/{core_api.pk}", {"support_status": "deprecated"}
    )
    assert response.status_code == 200
    assert response.json()["support_status"] == "deprecated"
    assert response.json()["responsible_team"] == {"id": str(personas.world["platform"].pk), "name": "Platform"}


def test_developer_cannot_move_component_to_another_team(personas):
    core_api = personas.world["core_api"]
    response = api_client(personas.developer).patch(
        f"{BASE}/components/{core_api.pk}", {"responsible_team_id": str(personas.world["payments"].pk)}
    )
    assert response.status_code == 403
    core_api.refresh_from_db()
    assert core_api.responsible_team_id == personas.world["platform"].pk


def test_component_bad_support_status_is_422(personas):
    core_api = personas.world["core_api"]
    response = api_client(personas.admin).patch(f"{BASE}/components/{core_api.pk}", {"support_status": "maybe"})
    assert response.status_code == 422
    assert list(errors(response)) == ["support_status"]


def test_component_classification_by_name(personas):
    core_api = personas.world["core_api"]
    api = api_client(personas.security_lead)
    response = api.patch(f"{BASE}/components/{core_api.pk}", {"classification": "Confidential"})
    assert response.status_code == 200
    assert response.json()["classification"] == "Confidential"
    refused = api.patch(f"{BASE}/components/{core_api.pk}", {"classification": "Secret"})
    assert refused.status_code == 422
    assert list(errors(refused)) == ["classification"]


def test_component_list_filters(personas):
    api = api_client(personas.developer)
    body = api.get(f"{BASE}/components", team_id=str(personas.world["payments"].pk)).json()
    assert [c["name"] for c in body["items"]] == ["billing"]


# --- clients ---------------------------------------------------------------------------------------------------


def test_client_create_with_contacts_and_patch_components(personas):
    api = api_client(personas.security_lead)
    created = api.post(
        f"{BASE}/clients",
        {"name": "Uni", "contacts": [{"email": "sec@uni.example", "role": "security contact"}]},
    )
    assert created.status_code == 201
    assert created.json()["contacts"] == [{"email": "sec@uni.example", "name": "", "role": "security contact"}]
    patched = api.patch(
        f"{BASE}/clients/{created.json()['id']}", {"component_ids": [str(personas.world["core_api"].pk)]}
    )
    assert [c["name"] for c in patched.json()["components"]] == ["core-api"]
    assert len(patched.json()["contacts"]) == 1


def test_client_contact_unknown_field_is_422(personas):
    response = api_client(personas.admin).post(
        f"{BASE}/clients", {"name": "Uni", "contacts": [{"email": "a@b.example", "phone": "1"}]}
    )
    assert response.status_code == 422
    assert list(errors(response)) == ["contacts.0.phone"]
    assert not Client.objects.exists()


def test_developer_cannot_list_clients(personas):
    ClientFactory.create(name="Uni")
    assert api_client(personas.developer).get(f"{BASE}/clients").status_code == 403


# --- release lines and releases --------------------------------------------------------------------------------


def test_release_line_and_release_flow(personas):
    api = api_client(personas.triager)
    line = api.post(f"{BASE}/release-lines", {"name": "Ramsons", "support_ends_on": "2030-06-30"}).json()
    assert (line["status"], line["support_ended"]) == ("supported", False)
    release = api.post(f"{BASE}/release-lines/{line['id']}/releases", {"version": "1.0.0"})
    assert release.status_code == 201
    patched = api.patch(f"{BASE}/releases/{release.json()['id']}", {"released_on": "2025-02-03"})
    assert patched.json()["released_on"] == "2025-02-03"
    listed = api.get(f"{BASE}/release-lines/{line['id']}/releases").json()
    assert [r["version"] for r in listed["items"]] == ["1.0.0"]


def test_release_bad_date_is_422(personas):
    line = personas.world["quesnelia"]
    response = api_client(personas.triager).post(
        f"{BASE}/release-lines/{line.pk}/releases", {"version": "1", "released_on": "last tuesday"}
    )
    assert response.status_code == 422
    assert list(errors(response)) == ["released_on"]
    assert not Release.objects.exists()


def test_release_of_invisible_line_is_404(personas):
    line = ReleaseLineFactory.create(classification=ClassificationLabel.objects.get(name="Private"))
    release = ReleaseFactory.create(release_line=line)
    api = api_client(personas.developer)
    assert api.get(f"{BASE}/releases/{release.pk}").status_code == 404
    assert api.get(f"{BASE}/release-lines/{line.pk}/releases").status_code == 404


def test_release_create_denied_to_developer(personas):
    line = personas.world["quesnelia"]
    response = api_client(personas.developer).post(f"{BASE}/release-lines/{line.pk}/releases", {"version": "1"})
    assert response.status_code == 403
    assert not Release.objects.exists()


def test_audit_event_says_it_came_from_the_api(personas):
    api_client(personas.admin).post(f"{BASE}/release-lines", {"name": "Ramsons"})
    event = AuditEvent.objects.get(action=AuditAction.RELEASE_LINE_CREATED)
    assert event.via == "api"


# --- pagination and query counts -------------------------------------------------------------------------------


def test_cursor_pagination_walks_every_team_once(personas):
    for i in range(5):
        TeamFactory.create(name=f"T{i}")
    api = api_client(personas.admin)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get(f"{BASE}/teams", **params).json()
        seen += [t["name"] for t in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == ["Payments", "Platform", "T0", "T1", "T2", "T3", "T4"]


def test_bad_cursor_is_400(personas):
    assert api_client(personas.admin).get(f"{BASE}/teams", cursor="zzz").status_code == 400


def _grow(n: int, personas) -> None:
    label = ClassificationLabel.objects.get(name="Confidential")
    for _ in range(n):
        team = TeamFactory.create(lead=personas.triager, classification=label)
        TeamMembership.objects.create(team=team, user=personas.triager)
        component = ComponentFactory.create(responsible_team=team, classification=label)
        client = ClientFactory.create(classification=label)
        client.components.add(component)
        client.contacts.create(email=f"sec@{client.pk}.example")
        ReleaseFactory.create(release_line=ReleaseLineFactory.create(classification=label))


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, limit=100)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["teams", "components", "clients", "release-lines"])
def test_list_endpoint_queries_do_not_grow_with_rows(personas, path):
    api = api_client(personas.security_lead)
    api.get(f"{BASE}/{path}")  # first use of the token is audited once; keep it out of the count
    _grow(3, personas)
    few = _queries(api, f"{BASE}/{path}")
    _grow(27, personas)
    many = _queries(api, f"{BASE}/{path}")
    assert many == few


def test_component_of_a_hidden_team_has_no_team_name(personas):
    ghosts = TeamFactory.create(name="Ghost Squad", classification=ClassificationLabel.objects.get(name="Secret"))
    haunt = ComponentFactory.create(name="haunt", responsible_team=ghosts)
    response = api_client(personas.admin).get(f"{BASE}/components/{haunt.pk}")
    assert response.json()["responsible_team"] == {"id": str(ghosts.pk), "name": None}
    assert "Ghost Squad" not in response.content.decode()
