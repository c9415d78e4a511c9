from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from garrison.access import services
from garrison.access.errors import AccessDenied
from garrison.access.models import ClassificationLabel
from garrison.access.selectors import labels_assignable_by, labels_visible_to
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core.tests.api_client import api_client
from garrison.org.tests.factories import TeamFactory

BASE = "/api/v1/access/labels"


def label(name: str) -> ClassificationLabel:
    return ClassificationLabel.objects.get(name=name)


# --- services --------------------------------------------------------------------------------------------------


def test_label_update_records_roles_and_members_before_and_after(personas):
    private = label("Private")
    services.label_update(
        label=private,
        changes={"roles": ["admin", "security_lead", "triager"]},
        teams=[personas.world["platform"]],
        users=[personas.developer],
        actor=personas.security_lead,
    )
    event = AuditEvent.objects.get(action=AuditAction.LABEL_UPDATED)
    assert event.target_id == str(private.pk)
    assert event.data == {
        "fields": ["roles", "teams", "users"],
        "roles_before": ["admin", "security_lead", "auditor"],
        "roles_after": ["admin", "security_lead", "triager"],
        "team_ids_added": [str(personas.world["platform"].pk)],
        "team_ids_removed": [],
        "user_ids_added": [str(personas.developer.pk)],
        "user_ids_removed": [],
    }


def test_label_update_removal_is_recorded(personas):
    secret = label("Secret")
    secret.users.add(personas.admin)
    services.label_update(label=secret, changes={}, users=[], actor=personas.admin)
    event = AuditEvent.objects.get(action=AuditAction.LABEL_UPDATED)
    assert event.data["user_ids_removed"] == [str(personas.admin.pk)]
    assert list(secret.users.all()) == []


def test_label_update_denied_to_triager_changes_nothing(personas):
    with pytest.raises(AccessDenied):
        services.label_update(label=label("Private"), changes={"roles": ["triager"]}, actor=personas.triager)
    assert label("Private").roles == ["admin", "security_lead", "auditor"]
    assert not AuditEvent.objects.filter(action=AuditAction.LABEL_UPDATED).exists()


def test_label_with_unknown_role_is_refused(personas):
    with pytest.raises(ValidationError) as exc:
        services.label_update(label=label("Private"), changes={"roles": ["wizard"]}, actor=personas.admin)
    assert list(exc.value.message_dict) == ["roles"]


def test_label_create_is_audited(personas):
    created = services.label_create(name="Embargo", rank=4, roles=["security_lead"], actor=personas.admin)
    event = AuditEvent.objects.get(action=AuditAction.LABEL_CREATED)
    assert event.target_id == str(created.pk)
    assert event.data == {"rank": 4, "roles": ["security_lead"], "team_ids": [], "user_ids": []}


# --- selectors -------------------------------------------------------------------------------------------------


def test_assignable_labels_are_the_visible_ones_for_label_managers(personas):
    names = list(labels_assignable_by(actor=personas.security_lead).values_list("name", flat=True))
    assert names == ["Public", "Confidential", "Private"]
    assert list(labels_assignable_by(actor=personas.triager)) == []


def test_label_list_needs_label_view(personas):
    assert labels_visible_to(actor=personas.developer).count() == 0
    assert labels_visible_to(actor=personas.auditor).count() == 4


# --- pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("reporter", 403),
        ("outsider", 403),
        ("developer", 403),
        ("triager", 200),
        ("auditor", 200),
        ("security_lead", 200),
        ("admin", 200),
    ],
)
def test_label_list_page_by_role(personas, persona, status):
    assert personas.client(persona).get(reverse("access:label_list")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("developer", 403), ("triager", 403), ("auditor", 403), ("security_lead", 200), ("admin", 200)],
)
def test_label_edit_page_by_role(personas, persona, status):
    url = reverse("access:label_edit", args=[label("Private").pk])
    assert personas.client(persona).get(url).status_code == status


def test_edit_links_only_for_label_managers(personas):
    edit = reverse("access:label_edit", args=[label("Private").pk])
    assert edit not in personas.client("auditor").get(reverse("access:label_list")).content.decode()
    assert edit in personas.client("security_lead").get(reverse("access:label_list")).content.decode()


def test_label_edit_page_saves(personas):
    private = label("Private")
    response = personas.client("security_lead").post(
        reverse("access:label_edit", args=[private.pk]),
        {"name": "Private", "rank": "2", "roles": ["admin", "security_lead"], "teams": [personas.world["payments"].pk]},
    )
    assert response.status_code == 302
    private.refresh_from_db()
    assert private.roles == ["admin", "security_lead"]
    assert list(private.teams.values_list("name", flat=True)) == ["Payments"]


def test_label_edit_post_by_auditor_changes_nothing(personas):
    private = label("Private")
    response = personas.client("auditor").post(
        reverse("access:label_edit", args=[private.pk]), {"name": "Private", "rank": "2", "roles": ["auditor"]}
    )
    assert response.status_code == 403
    assert label("Private").roles == ["admin", "security_lead", "auditor"]


def test_label_edit_of_unknown_label_is_404(personas):
    url = reverse("access:label_edit", args=["00000000-0000-0000-0000-000000000000"])
    assert personas.client("admin").get(url).status_code == 404


def test_labels_nav_link_follows_permission(personas):
    assert reverse("access:label_list") in personas.client("auditor").get("/").content.decode()
    assert reverse("access:label_list") not in personas.client("developer").get("/").content.decode()


def test_label_list_page_queries_do_not_grow(personas):
    client = personas.client("admin")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("access:label_list"))
        return len(ctx.captured_queries)

    few = count()
    for i in range(10):
        extra = ClassificationLabel.objects.create(name=f"L{i}", rank=10 + i)
        extra.users.add(personas.triager)
        extra.teams.add(personas.world["platform"])
    assert count() == few


# --- API -------------------------------------------------------------------------------------------------------


def test_api_lists_labels_with_cursor(personas):
    api = api_client(personas.auditor)
    first = api.get(BASE, limit=3).json()
    assert [x["name"] for x in first["items"]] == ["Public", "Confidential", "Private"]
    second = api.get(BASE, limit=3, cursor=first["next_cursor"]).json()
    assert [x["name"] for x in second["items"]] == ["Secret"]
    assert second["next_cursor"] is None


def test_api_patch_replaces_users(personas):
    secret = label("Secret")
    response = api_client(personas.admin).patch(f"{BASE}/{secret.pk}", {"user_ids": [str(personas.admin.pk)]})
    assert response.status_code == 200
    assert [u["email"] for u in response.json()["users"]] == ["admin@example.org"]
    assert AuditEvent.objects.get(action=AuditAction.LABEL_UPDATED).data["user_ids_added"] == [str(personas.admin.pk)]


def test_api_patch_unknown_role_and_unknown_field_are_422(personas):
    api = api_client(personas.admin)
    private = label("Private")
    bad_role = api.patch(f"{BASE}/{private.pk}", {"roles": ["wizard"]})
    assert bad_role.status_code == 422
    assert [e["field"] for e in bad_role.json()["errors"]] == ["roles.0"]
    unknown = api.patch(f"{BASE}/{private.pk}", {"colour": "red"})
    assert [e["field"] for e in unknown.json()["errors"]] == ["colour"]


def test_api_patch_denied_to_auditor(personas):
    private = label("Private")
    response = api_client(personas.auditor).patch(f"{BASE}/{private.pk}", {"roles": ["auditor"]})
    assert response.status_code == 403
    assert label("Private").roles == ["admin", "security_lead", "auditor"]


def test_api_list_denied_to_developer(personas):
    assert api_client(personas.developer).get(BASE).status_code == 403


def test_hidden_team_is_neither_listed_nor_dropped_by_a_label_edit(personas):
    ghosts = TeamFactory.create(name="Ghost Squad", classification=label("Secret"))
    private = label("Private")
    private.teams.add(ghosts)
    body = personas.client("security_lead").get(reverse("access:label_list")).content.decode()
    assert "Ghost Squad" not in body
    services.label_update(label=private, changes={}, teams=[personas.world["platform"]], actor=personas.security_lead)
    assert sorted(private.teams.values_list("name", flat=True)) == ["Ghost Squad", "Platform"]
