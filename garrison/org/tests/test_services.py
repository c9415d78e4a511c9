from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from garrison.access.errors import AccessDenied
from garrison.access.models import ClassificationLabel
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.org import services
from garrison.org.models import Client, Component, Release, ReleaseLine, Team, TeamMembership
from garrison.org.tests.factories import ComponentFactory, ReleaseFactory


def events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- teams -----------------------------------------------------------------------------------------------------


def test_team_create_is_audited_and_makes_the_lead_a_member(personas):
    team = services.team_create(name="Security", lead=personas.triager, actor=personas.security_lead)
    assert list(team.memberships.values_list("user_id", flat=True)) == [personas.triager.pk]
    (created,) = events(AuditAction.TEAM_CREATED)
    assert created.target_id == str(team.pk)
    assert created.actor_id == personas.security_lead.pk
    assert created.data["fields"] == ["lead", "name"]
    assert created.data["values"] == {"lead": {"from": None, "to": str(personas.triager.pk)}}
    (added,) = events(AuditAction.TEAM_MEMBER_ADDED)
    assert added.data == {"user_id": str(personas.triager.pk), "reason": "lead"}


def test_team_create_denied_to_triager_changes_nothing(personas):
    with pytest.raises(AccessDenied):
        services.team_create(name="Rogue", actor=personas.triager)
    assert not Team.objects.filter(name="Rogue").exists()
    assert not events(AuditAction.TEAM_CREATED)


def test_team_update_records_changed_field_names_only(personas):
    team = personas.world["payments"]
    services.team_update(team=team, changes={"name": "Payments", "description": "Money"}, actor=personas.security_lead)
    (updated,) = events(AuditAction.TEAM_UPDATED)
    assert updated.data == {"fields": ["description"]}
    assert Team.objects.get(pk=team.pk).description == "Money"


def test_team_update_with_no_change_writes_no_event(personas):
    services.team_update(team=personas.world["payments"], changes={"name": "Payments"}, actor=personas.admin)
    assert not events(AuditAction.TEAM_UPDATED)


def test_new_lead_becomes_a_member(personas):
    team = personas.world["payments"]
    services.team_update(team=team, changes={"lead": personas.auditor}, actor=personas.admin)
    assert TeamMembership.objects.filter(team=team, user=personas.auditor).exists()
    (updated,) = events(AuditAction.TEAM_UPDATED)
    assert updated.data["values"] == {"lead": {"from": None, "to": str(personas.auditor.pk)}}


def test_lead_cannot_be_removed_while_leading(personas):
    team = personas.world["platform"]
    with pytest.raises(ValidationError) as exc:
        services.team_member_remove(team=team, user=personas.developer, actor=personas.admin)
    assert list(exc.value.message_dict) == ["user"]
    assert TeamMembership.objects.filter(team=team, user=personas.developer).exists()


def test_member_add_and_remove_are_audited(personas):
    team = personas.world["payments"]
    services.team_member_add(team=team, user=personas.triager, actor=personas.security_lead)
    services.team_member_remove(team=team, user=personas.triager, actor=personas.security_lead)
    assert not TeamMembership.objects.filter(team=team).exists()
    assert [e.data["user_id"] for e in events(AuditAction.TEAM_MEMBER_ADDED)] == [str(personas.triager.pk)]
    assert [e.data for e in events(AuditAction.TEAM_MEMBER_REMOVED)] == [{"user_id": str(personas.triager.pk)}]


def test_member_add_refuses_non_staff(personas):
    with pytest.raises(ValidationError) as exc:
        services.team_member_add(team=personas.world["payments"], user=personas.reporter, actor=personas.admin)
    assert list(exc.value.message_dict) == ["user"]
    assert not TeamMembership.objects.filter(user=personas.reporter).exists()


def test_member_add_denied_to_developer_changes_nothing(personas):
    with pytest.raises(AccessDenied):
        services.team_member_add(team=personas.world["platform"], user=personas.triager, actor=personas.developer)
    assert not TeamMembership.objects.filter(user=personas.triager).exists()
    assert not events(AuditAction.TEAM_MEMBER_ADDED)


# --- components ------------------------------------------------------------------------------------------------


def test_component_without_team_is_refused_with_a_field_error(personas):
    with pytest.raises(ValidationError) as exc:
        services.component_create(name="orphan", responsible_team=None, actor=personas.admin)
    assert list(exc.value.message_dict) == ["responsible_team"]
    assert "responsible team" in exc.value.message_dict["responsible_team"][0]
    assert not Component.objects.filter(name="orphan").exists()


def test_component_team_cannot_be_cleared(personas):
    component = personas.world["core_api"]
    with pytest.raises(ValidationError) as exc:
        services.component_update(component=component, changes={"responsible_team": None}, actor=personas.admin)
    assert list(exc.value.message_dict) == ["responsible_team"]
    assert Component.objects.get(pk=component.pk).responsible_team_id == personas.world["platform"].pk


def test_component_create_is_audited(personas):
    component = services.component_create(
        name="web-ui", responsible_team=personas.world["payments"], actor=personas.security_lead
    )
    (created,) = events(AuditAction.COMPONENT_CREATED)
    assert created.target_id == str(component.pk)
    assert created.data["fields"] == ["name", "responsible_team", "support_status"]
    assert created.data["values"]["responsible_team"] == {"from": None, "to": str(personas.world["payments"].pk)}


def test_developer_creates_components_only_for_their_own_team(personas):
    dev = personas.developer
    mine = services.component_create(name="mine", responsible_team=personas.world["platform"], actor=dev)
    assert mine.responsible_team_id == personas.world["platform"].pk
    with pytest.raises(AccessDenied):
        services.component_create(name="theirs", responsible_team=personas.world["payments"], actor=dev)
    assert not Component.objects.filter(name="theirs").exists()


def test_developer_edits_own_team_component_and_it_is_audited(personas):
    component = personas.world["core_api"]
    services.component_update(component=component, changes={"support_status": "deprecated"}, actor=personas.developer)
    assert Component.objects.get(pk=component.pk).support_status == "deprecated"
    (updated,) = events(AuditAction.COMPONENT_UPDATED)
    assert updated.data == {
        "fields": ["support_status"],
        "values": {"support_status": {"from": "supported", "to": "deprecated"}},
    }


def test_developer_cannot_edit_another_teams_component(personas):
    billing = personas.world["billing"]
    with pytest.raises(AccessDenied):
        services.component_update(component=billing, changes={"description": "x"}, actor=personas.developer)
    assert Component.objects.get(pk=billing.pk).description == ""
    assert not events(AuditAction.COMPONENT_UPDATED)


def test_developer_cannot_take_over_another_teams_component(personas):
    billing = personas.world["billing"]
    changes = {"responsible_team": personas.world["platform"]}
    with pytest.raises(AccessDenied):
        services.component_update(component=billing, changes=changes, actor=personas.developer)
    assert Component.objects.get(pk=billing.pk).responsible_team_id == personas.world["payments"].pk


def test_developer_cannot_hand_a_component_to_a_team_they_are_not_in(personas):
    core_api = personas.world["core_api"]
    changes = {"responsible_team": personas.world["payments"]}
    with pytest.raises(AccessDenied):
        services.component_update(component=core_api, changes=changes, actor=personas.developer)
    assert Component.objects.get(pk=core_api.pk).responsible_team_id == personas.world["platform"].pk
    assert not events(AuditAction.COMPONENT_UPDATED)


def test_lead_moves_component_and_audit_names_both_teams(personas):
    core_api = personas.world["core_api"]
    services.component_update(
        component=core_api, changes={"responsible_team": personas.world["payments"]}, actor=personas.security_lead
    )
    (updated,) = events(AuditAction.COMPONENT_UPDATED)
    assert updated.data["values"]["responsible_team"] == {
        "from": str(personas.world["platform"].pk),
        "to": str(personas.world["payments"].pk),
    }


# --- classification labels on records --------------------------------------------------------------------------


def test_label_assignment_needs_label_manage(personas):
    confidential = ClassificationLabel.objects.get(name="Confidential")
    core_api = personas.world["core_api"]
    with pytest.raises(AccessDenied):
        services.component_update(
            component=core_api, changes={"classification": confidential}, actor=personas.developer
        )
    assert Component.objects.get(pk=core_api.pk).classification_id is None


def test_label_assignment_refuses_a_label_the_actor_cannot_see(personas):
    secret = ClassificationLabel.objects.get(name="Secret")
    with pytest.raises(ValidationError) as exc:
        services.team_create(name="Hidden", classification=secret, actor=personas.security_lead)
    assert list(exc.value.message_dict) == ["classification"]
    assert not Team.objects.filter(name="Hidden").exists()


def test_label_manager_assigns_a_visible_label(personas):
    private = ClassificationLabel.objects.get(name="Private")
    line = services.release_line_create(name="Ramsons", classification=private, actor=personas.security_lead)
    assert ReleaseLine.objects.get(pk=line.pk).classification_id == private.pk
    (created,) = events(AuditAction.RELEASE_LINE_CREATED)
    assert created.data["values"]["classification"] == {"from": None, "to": str(private.pk)}


# --- clients ---------------------------------------------------------------------------------------------------


def test_client_create_with_contacts_and_components(personas):
    client = services.client_create(
        name="Uni Library",
        components=[personas.world["core_api"]],
        contacts=[services.ContactData(email="Sec@Uni.example", name="Sam", role="security contact")],
        actor=personas.security_lead,
    )
    assert list(client.components.values_list("name", flat=True)) == ["core-api"]
    assert list(client.contacts.values_list("email", "name")) == [("sec@uni.example", "Sam")]
    (created,) = events(AuditAction.CLIENT_CREATED)
    assert created.data["components_added"] == [str(personas.world["core_api"].pk)]
    assert created.data["contacts_added"] == 1
    assert "sec@uni.example" not in str(created.data)


def test_client_update_replaces_contacts_by_email(personas):
    client = services.client_create(
        name="Uni",
        contacts=[services.ContactData(email="a@uni.example"), services.ContactData(email="b@uni.example")],
        actor=personas.admin,
    )
    services.client_update(
        client=client,
        changes={},
        contacts=[services.ContactData(email="b@uni.example", name="Bo"), services.ContactData(email="c@uni.example")],
        actor=personas.admin,
    )
    assert list(Client.objects.get(pk=client.pk).contacts.values_list("email", "name")) == [
        ("b@uni.example", "Bo"),
        ("c@uni.example", ""),
    ]
    (updated,) = events(AuditAction.CLIENT_UPDATED)
    assert updated.data == {
        "fields": ["contacts"],
        "contacts_added": 1,
        "contacts_removed": 1,
        "contacts_changed": 1,
    }


def test_client_contact_with_bad_email_is_a_field_error(personas):
    with pytest.raises(ValidationError) as exc:
        services.client_create(name="Uni", contacts=[services.ContactData(email="nope")], actor=personas.admin)
    assert list(exc.value.message_dict) == ["contacts"]
    assert exc.value.message_dict["contacts"][0].startswith("contact 1: email:")
    assert not Client.objects.exists()


def test_client_create_denied_to_developer_changes_nothing(personas):
    with pytest.raises(AccessDenied):
        services.client_create(name="Uni", actor=personas.developer)
    assert not Client.objects.exists()
    assert not events(AuditAction.CLIENT_CREATED)


def test_client_cannot_reference_an_invisible_component(personas):
    secret = ClassificationLabel.objects.get(name="Secret")
    hidden = ComponentFactory.create(name="hidden", classification=secret)
    with pytest.raises(ValidationError) as exc:
        services.client_create(name="Uni", components=[hidden], actor=personas.security_lead)
    assert list(exc.value.message_dict) == ["components"]
    assert not Client.objects.exists()


# --- release lines and releases --------------------------------------------------------------------------------


def test_release_line_status_change_is_audited_with_values(personas):
    line = personas.world["quesnelia"]
    services.release_line_update(
        release_line=line,
        changes={"status": "unsupported", "support_ends_on": date(2026, 1, 31)},
        actor=personas.triager,
    )
    (updated,) = events(AuditAction.RELEASE_LINE_UPDATED)
    assert updated.data == {
        "fields": ["status", "support_ends_on"],
        "values": {
            "status": {"from": "supported", "to": "unsupported"},
            "support_ends_on": {"from": None, "to": "2026-01-31"},
        },
    }


def test_release_line_edit_denied_to_developer_changes_nothing(personas):
    line = personas.world["quesnelia"]
    with pytest.raises(AccessDenied):
        services.release_line_update(release_line=line, changes={"status": "unsupported"}, actor=personas.developer)
    assert ReleaseLine.objects.get(pk=line.pk).status == "supported"


def test_release_create_and_duplicate_version(personas):
    line = personas.world["quesnelia"]
    release = services.release_create(release_line=line, version=" 1.2.0 ", actor=personas.triager)
    assert release.version == "1.2.0"
    (created,) = events(AuditAction.RELEASE_CREATED)
    assert created.data["release_line_id"] == str(line.pk)
    with pytest.raises(ValidationError) as exc:
        services.release_create(release_line=line, version="1.2.0", actor=personas.triager)
    assert list(exc.value.message_dict) == ["version"]
    assert Release.objects.filter(release_line=line).count() == 1


def test_release_update_is_audited(personas):
    release = ReleaseFactory.create(release_line=personas.world["quesnelia"], version="2.0.0")
    services.release_update(release=release, changes={"released_on": date(2025, 5, 1)}, actor=personas.triager)
    assert Release.objects.get(pk=release.pk).released_on == date(2025, 5, 1)
    (updated,) = events(AuditAction.RELEASE_UPDATED)
    assert updated.data["values"] == {"released_on": {"from": None, "to": "2025-05-01"}}


def test_release_create_on_invisible_line_is_denied(personas):
    secret = ClassificationLabel.objects.get(name="Secret")
    line = personas.world["quesnelia"]
    line.classification = secret
    line.save()
    with pytest.raises(AccessDenied):
        services.release_create(release_line=line, version="9.9", actor=personas.admin)
    assert not Release.objects.exists()
