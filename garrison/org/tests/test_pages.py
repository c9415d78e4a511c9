from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from garrison.access.models import ClassificationLabel
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.org.models import Client, Component, Release, Team, TeamMembership
from garrison.org.tests.factories import (
    ClientFactory,
    ComponentFactory,
    ReleaseFactory,
    ReleaseLineFactory,
    TeamFactory,
)

VIEWERS = {"developer": 200, "triager": 200, "security_lead": 200, "auditor": 200, "admin": 200}
NOBODY = {"anonymous": 302, "reporter": 403, "outsider": 403}


def matrix(**allowed: int) -> list[tuple[str, int]]:
    statuses = {**NOBODY, **dict.fromkeys(VIEWERS, 403), **allowed}
    return sorted(statuses.items())


@pytest.mark.parametrize(("persona", "status"), matrix(**VIEWERS))
@pytest.mark.parametrize("name", ["org:team_list", "org:component_list", "org:release_line_list"])
def test_org_list_pages_by_role(personas, name, persona, status):
    assert personas.client(persona).get(reverse(name)).status_code == status


@pytest.mark.parametrize(("persona", "status"), matrix(triager=200, security_lead=200, auditor=200, admin=200))
def test_client_list_by_role(personas, persona, status):
    assert personas.client(persona).get(reverse("org:client_list")).status_code == status


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("org:team_create", ["security_lead", "admin"]),
        ("org:component_create", ["developer", "security_lead", "admin"]),
        ("org:client_create", ["security_lead", "admin"]),
        ("org:release_line_create", ["triager", "security_lead", "admin"]),
    ],
)
@pytest.mark.parametrize(
    "persona", ["anonymous", "reporter", "outsider", "developer", "triager", "security_lead", "auditor", "admin"]
)
def test_create_pages_by_role(personas, name, allowed, persona):
    expected = 302 if persona == "anonymous" else 200 if persona in allowed else 403
    assert personas.client(persona).get(reverse(name)).status_code == expected


def test_developer_edits_own_component_page_but_not_another_teams(personas):
    client = personas.client("developer")
    assert client.get(reverse("org:component_edit", args=[personas.world["core_api"].pk])).status_code == 200
    assert client.get(reverse("org:component_edit", args=[personas.world["billing"].pk])).status_code == 403


def test_invisible_component_is_404_on_detail_and_edit(personas):
    vault = ComponentFactory.create(name="vault", responsible_team=personas.world["platform"])
    vault.classification = ClassificationLabel.objects.get(name="Private")
    vault.save()
    client = personas.client("developer")
    assert client.get(reverse("org:component_detail", args=[vault.pk])).status_code == 404
    assert client.get(reverse("org:component_edit", args=[vault.pk])).status_code == 404
    assert personas.client("auditor").get(reverse("org:component_detail", args=[vault.pk])).status_code == 200


def test_client_detail_is_403_for_developer_and_404_when_labelled_away(personas):
    uni = ClientFactory.create(name="Uni", classification=ClassificationLabel.objects.get(name="Secret"))
    assert personas.client("developer").get(reverse("org:client_detail", args=[uni.pk])).status_code == 403
    assert personas.client("admin").get(reverse("org:client_detail", args=[uni.pk])).status_code == 404


def test_component_list_shows_edit_links_only_where_allowed(personas):
    body = personas.client("developer").get(reverse("org:component_list")).content.decode()
    assert reverse("org:component_edit", args=[personas.world["core_api"].pk]) in body
    assert reverse("org:component_edit", args=[personas.world["billing"].pk]) not in body
    assert reverse("org:component_create") in body


def test_team_detail_hides_edit_controls_from_viewers(personas):
    url = reverse("org:team_detail", args=[personas.world["platform"].pk])
    viewer = personas.client("auditor").get(url).content.decode()
    editor = personas.client("security_lead").get(url).content.decode()
    edit_url = reverse("org:team_edit", args=[personas.world["platform"].pk])
    assert edit_url not in viewer and "Add member" not in viewer
    assert edit_url in editor and "Add member" in editor


def test_component_create_page_creates_and_redirects(personas):
    response = personas.client("developer").post(
        reverse("org:component_create"),
        {"name": "search", "responsible_team": personas.world["platform"].pk, "support_status": "supported"},
    )
    component = Component.objects.get(name="search")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:component_detail", args=[component.pk])
    assert AuditEvent.objects.filter(action=AuditAction.COMPONENT_CREATED, target_id=str(component.pk)).exists()


def test_component_form_without_team_shows_the_field_error(personas):
    response = personas.client("admin").post(
        reverse("org:component_create"), {"name": "orphan", "support_status": "supported"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["responsible_team"] == [
        "A component must have a responsible team: choose the team that fixes its issues."
    ]
    assert not Component.objects.filter(name="orphan").exists()


def test_developer_cannot_post_a_component_for_another_team(personas):
    response = personas.client("developer").post(
        reverse("org:component_create"),
        {"name": "theirs", "responsible_team": personas.world["payments"].pk, "support_status": "supported"},
    )
    assert response.status_code == 200
    assert "responsible_team" in response.context["form"].errors
    assert not Component.objects.filter(name="theirs").exists()


def test_developer_post_to_another_teams_component_changes_nothing(personas):
    billing = personas.world["billing"]
    response = personas.client("developer").post(
        reverse("org:component_edit", args=[billing.pk]),
        {"name": "billing", "responsible_team": personas.world["platform"].pk, "support_status": "archived"},
    )
    assert response.status_code == 403
    billing.refresh_from_db()
    assert (billing.support_status, billing.responsible_team_id) == ("supported", personas.world["payments"].pk)


def test_triager_post_to_team_create_changes_nothing(personas):
    response = personas.client("triager").post(reverse("org:team_create"), {"name": "Rogue"})
    assert response.status_code == 403
    assert not Team.objects.filter(name="Rogue").exists()


def test_team_edit_page_saves(personas):
    payments = personas.world["payments"]
    response = personas.client("security_lead").post(
        reverse("org:team_edit", args=[payments.pk]), {"name": "Payments", "description": "Money", "lead": ""}
    )
    assert response.status_code == 302
    payments.refresh_from_db()
    assert payments.description == "Money"


def test_team_member_add_and_remove_pages(personas):
    payments = personas.world["payments"]
    client = personas.client("security_lead")
    client.post(reverse("org:team_member_add", args=[payments.pk]), {"user": personas.triager.pk})
    assert list(payments.memberships.values_list("user_id", flat=True)) == [personas.triager.pk]
    client.post(reverse("org:team_member_remove", args=[payments.pk, personas.triager.pk]))
    assert not payments.memberships.exists()


def test_team_member_add_by_developer_changes_nothing(personas):
    platform = personas.world["platform"]
    response = personas.client("developer").post(
        reverse("org:team_member_add", args=[platform.pk]), {"user": personas.triager.pk}
    )
    assert response.status_code == 403
    assert not TeamMembership.objects.filter(user=personas.triager).exists()


def test_client_edit_page_saves_contacts_and_components(personas):
    uni = ClientFactory.create(name="Uni")
    response = personas.client("security_lead").post(
        reverse("org:client_edit", args=[uni.pk]),
        {
            "name": "Uni",
            "components": [personas.world["core_api"].pk],
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-email": "sec@uni.example",
            "contacts-0-name": "Sam",
            "contacts-1-email": "",
        },
    )
    assert response.status_code == 302
    assert list(uni.contacts.values_list("email", "name")) == [("sec@uni.example", "Sam")]
    assert list(uni.components.values_list("name", flat=True)) == ["core-api"]


def test_auditor_post_to_client_create_changes_nothing(personas):
    response = personas.client("auditor").post(
        reverse("org:client_create"), {"name": "Uni", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 403
    assert not Client.objects.exists()


def test_release_line_detail_lists_releases_and_adds_one(personas):
    line = personas.world["quesnelia"]
    ReleaseFactory.create(release_line=line, version="1.0.0")
    client = personas.client("triager")
    page = client.get(reverse("org:release_line_detail", args=[line.pk])).content.decode()
    assert "1.0.0" in page and reverse("org:release_create", args=[line.pk]) in page
    response = client.post(reverse("org:release_create", args=[line.pk]), {"version": "1.1.0"})
    assert response.status_code == 302
    assert sorted(line.releases.values_list("version", flat=True)) == ["1.0.0", "1.1.0"]


def test_release_add_by_developer_changes_nothing(personas):
    line = personas.world["quesnelia"]
    page = personas.client("developer").get(reverse("org:release_line_detail", args=[line.pk])).content.decode()
    assert reverse("org:release_create", args=[line.pk]) not in page
    response = personas.client("developer").post(reverse("org:release_create", args=[line.pk]), {"version": "9"})
    assert response.status_code == 403
    assert not Release.objects.exists()


def test_release_edit_page(personas):
    release = ReleaseFactory.create(release_line=personas.world["quesnelia"], version="1.0.0")
    response = personas.client("triager").post(
        reverse("org:release_edit", args=[release.pk]), {"version": "1.0.1", "released_on": "2025-03-04"}
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.version, str(release.released_on)) == ("1.0.1", "2025-03-04")


def test_release_line_list_marks_ended_support(personas):
    ReleaseLineFactory.create(name="Poppy", status="unsupported")
    ReleaseLineFactory.create(name="Orchid", support_ends_on="2000-01-01")
    body = personas.client("developer").get(reverse("org:release_line_list")).content.decode()
    assert body.count('<span class="badge danger">Unsupported</span>') == 1
    assert body.count('<span class="badge danger">Support ended</span>') == 1
    assert body.count('<span class="badge ok">Supported</span>') == 1


def test_release_line_list_filters_by_status(personas):
    ReleaseLineFactory.create(name="Poppy", status="unsupported")
    response = personas.client("developer").get(reverse("org:release_line_list"), {"status": "unsupported"})
    assert [line.name for line in response.context["page"]] == ["Poppy"]


def test_component_list_filters_by_team(personas):
    response = personas.client("developer").get(reverse("org:component_list"), {"team": personas.world["payments"].pk})
    assert [c.name for c, _ in response.context["rows"]] == ["billing"]


# --- query counts: list pages do not grow with rows ------------------------------------------------------------


def _grow(n: int, personas) -> None:
    label = ClassificationLabel.objects.get(name="Confidential")
    for _ in range(n):
        team = TeamFactory.create(lead=personas.triager, classification=label)
        TeamMembership.objects.create(team=team, user=personas.triager)
        component = ComponentFactory.create(responsible_team=team, classification=label)
        client = ClientFactory.create(classification=label)
        client.components.add(component)
        client.contacts.create(email=f"sec@{client.pk}.example")
        line = ReleaseLineFactory.create(classification=label)
        ReleaseFactory.create(release_line=line)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["org:team_list", "org:component_list", "org:client_list", "org:release_line_list"])
def test_list_page_queries_do_not_grow_with_rows(personas, name):
    client = personas.client("security_lead")
    _grow(3, personas)
    few = _queries(client, reverse(name))
    _grow(27, personas)
    many = _queries(client, reverse(name))
    assert many == few


def test_component_of_a_hidden_team_does_not_show_the_team_name(personas):
    ghosts = TeamFactory.create(name="Ghost Squad", classification=ClassificationLabel.objects.get(name="Secret"))
    ComponentFactory.create(name="haunt", responsible_team=ghosts)
    body = personas.client("admin").get(reverse("org:component_list")).content.decode()
    assert "haunt" in body
    assert "Ghost Squad" not in body
    assert "a team you may not see" in body
