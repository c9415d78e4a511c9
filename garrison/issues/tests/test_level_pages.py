"""Security-level pages: the list with members, create / edit / delete with validation, and the access review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.issues import services
from garrison.issues.models import LevelReview, SecurityLevel
from garrison.issues.selectors_levels import level_memberships, levels_overview
from tests.authz import world as world_mod

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(personas: Any) -> dict[str, Any]:
    return world_mod.build(personas)


def _page(personas: Any, who: str, url: str) -> str:
    response = personas.client(who).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- list -------------------------------------------------------------------------------------------------------


def test_level_list_shows_members_and_issue_counts_only_to_managers(personas, w):
    level = w["team_level"]
    services.level_save(
        actor=personas.security_lead,
        level=level,
        name=level.name,
        rank=level.rank,
        roles=["auditor"],
        users=[personas.admin],
        include_component_team=True,
    )
    lead = _page(personas, "security_lead", "/issues/levels/")
    auditor = _page(personas, "auditor", "/issues/levels/")
    for page in (lead, auditor):
        assert "Security team only" in page and level.name in page
        assert "Auditor" in page and "admin@example.org" in page
        assert "each issue's responsible team is admitted" in page
    # the team level holds issue and billing_issue: the count is for managers only, and never names an issue
    assert "<dt>Issues</dt><dd>2</dd>" in lead
    assert "<dt>Issues</dt>" not in auditor
    for page in (lead, auditor):
        assert "Refund rounding" not in page and world_mod.EMBARGO_MARKER not in page
    assert "Edit</a>" in lead and "Edit</a>" not in auditor


def test_review_due_when_never_or_long_ago_reviewed(personas, w):
    level = w["team_level"]
    assert _page(personas, "auditor", "/issues/levels/").count("review due") == 3
    services.level_review(actor=personas.security_lead, level=level)
    assert _page(personas, "auditor", "/issues/levels/").count("review due") == 2
    SecurityLevel.objects.filter(pk=level.pk).update(last_reviewed_at=clock.now() - timedelta(days=91))  # set-up
    assert _page(personas, "auditor", "/issues/levels/").count("review due") == 3


def test_developer_may_not_see_levels(personas, w):
    assert personas.client("developer").get("/issues/levels/").status_code == 403
    assert personas.client("developer").get("/issues/levels/review").status_code == 403


# --- create / edit / delete -------------------------------------------------------------------------------------


def test_create_a_level(personas, w):
    response = personas.client("security_lead").post(
        "/issues/levels/new",
        {
            "name": "Security + auditors",
            "rank": "5",
            "roles": ["auditor"],
            "teams": [personas.world["payments"].pk],
            "users": [personas.developer.pk],
        },
    )
    assert response.status_code == 302
    level = SecurityLevel.objects.get(name="Security + auditors")
    assert level.roles == ["auditor"] and level.rank == 5
    assert list(level.teams.all()) == [personas.world["payments"]]
    assert list(level.users.all()) == [personas.developer]
    event = AuditEvent.objects.get(action=AuditAction.LEVEL_CREATED, target_id=str(level.pk))
    assert event.data["after"]["roles"] == ["auditor"]


def test_duplicate_name_is_refused(personas, w):
    response = personas.client("security_lead").post("/issues/levels/new", {"name": "security team ONLY", "rank": "1"})
    assert response.status_code == 422
    assert "A level named" in response.content.decode()
    assert SecurityLevel.objects.count() == 3


def test_unknown_role_is_refused(personas, w):
    response = personas.client("security_lead").post(
        "/issues/levels/new", {"name": "Odd", "rank": "1", "roles": ["superuser"]}
    )
    assert response.status_code == 422
    assert not SecurityLevel.objects.filter(name="Odd").exists()
    with pytest.raises(ValidationError) as exc:
        services.level_save(actor=personas.security_lead, name="Odd", roles=["superuser"])
    assert "roles" in exc.value.message_dict


def test_edit_a_level(personas, w):
    level = w["team_level"]
    response = personas.client("admin").post(
        f"/issues/levels/{level.pk}/edit",
        {"name": "Team level", "rank": "12", "roles": ["developer"], "include_component_team": "on"},
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.name, level.rank, level.roles, level.include_component_team) == (
        "Team level",
        12,
        ["developer"],
        True,
    )
    assert AuditEvent.objects.filter(action=AuditAction.LEVEL_UPDATED, target_id=str(level.pk)).exists()


def test_edit_keeps_teams_the_editor_cannot_see(personas, w):
    level = w["team_level"]
    services.level_save(
        actor=personas.security_lead, level=level, name=level.name, rank=level.rank, teams=[w["secret_team"]]
    )
    page = _page(personas, "security_lead", f"/issues/levels/{level.pk}/edit")
    assert "Red Cell" not in page
    assert "1 team you cannot see" in _page(personas, "security_lead", "/issues/levels/")
    personas.client("security_lead").post(
        f"/issues/levels/{level.pk}/edit",
        {"name": level.name, "rank": "10", "teams": [personas.world["platform"].pk]},
    )
    assert set(level.teams.all()) == {w["secret_team"], personas.world["platform"]}


def test_triager_and_auditor_may_not_change_levels(personas, w):
    level = w["team_level"]
    for who in ("triager", "auditor"):
        client = personas.client(who)
        assert client.post("/issues/levels/new", {"name": "X", "rank": "1"}).status_code == 403
        assert client.post(f"/issues/levels/{level.pk}/edit", {"name": "X", "rank": "1"}).status_code == 403
        assert client.post(f"/issues/levels/{level.pk}/delete").status_code == 403
    level.refresh_from_db()
    assert level.name == "Security + component team"
    assert not SecurityLevel.objects.filter(name="X").exists()


def test_delete_refused_while_issues_use_the_level(personas, w):
    level = w["team_level"]
    response = personas.client("security_lead").post(f"/issues/levels/{level.pk}/delete", follow=True)
    assert "was not deleted" in response.content.decode()
    assert "Issues use this level" in response.content.decode()
    assert SecurityLevel.objects.filter(pk=level.pk).exists()


def test_delete_an_unused_level(personas, w):
    level = w["levels"]["Security + component team + trusted installations"]
    assert personas.client("security_lead").post(f"/issues/levels/{level.pk}/delete").status_code == 302
    assert not SecurityLevel.objects.filter(pk=level.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.LEVEL_DELETED, target_id=str(level.pk)).exists()


# --- access review ----------------------------------------------------------------------------------------------


def test_review_page_lists_the_people_each_level_admits(personas, w):
    level = w["team_level"]
    services.level_save(
        actor=personas.security_lead,
        level=level,
        name=level.name,
        rank=level.rank,
        roles=["auditor"],
        teams=[personas.world["platform"]],
        include_component_team=True,
    )
    memberships = {
        m.level.name: m
        for m in level_memberships(actor=personas.auditor, levels=list(levels_overview(actor=personas.auditor)))
    }
    only = {m.user.email: m.reasons for m in memberships["Security team only"].members}
    assert only == {"lead@example.org": ["security team"], "triager@example.org": ["security team"]}
    team = {m.user.email: m.reasons for m in memberships[level.name].members}
    assert team["auditor@example.org"] == ["role: Auditor"]
    assert team["dev@example.org"] == ["team: Platform"]
    assert "admin@example.org" not in team
    page = _page(personas, "auditor", "/issues/levels/review")
    assert "team: Platform" in page and "Reviewed</button>" not in page
    assert "Plus, for each issue at this level, the members of its responsible team." in page


def test_review_page_does_not_name_hidden_teams(personas, w):
    level = w["team_level"]
    services.level_save(
        actor=personas.security_lead, level=level, name=level.name, rank=level.rank, teams=[w["secret_team"]]
    )
    page = _page(personas, "security_lead", "/issues/levels/review")
    assert "Red Cell" not in page


def test_reviewed_records_a_review_and_an_audit_event(personas, w):
    level = w["team_level"]
    client = personas.client("security_lead")
    response = client.post(f"/issues/levels/{level.pk}/review", {"note": "Checked with the Platform lead"})
    assert response.status_code == 302
    review = LevelReview.objects.get(level=level)
    assert review.reviewed_by == personas.security_lead and review.note == "Checked with the Platform lead"
    assert review.members["component_team"] is True
    level.refresh_from_db()
    assert level.last_reviewed_by == personas.security_lead and level.last_reviewed_at is not None
    event = AuditEvent.objects.get(action=AuditAction.LEVEL_REVIEWED, target_id=str(level.pk))
    assert event.data == {"review": str(review.pk)}
    page = client.get("/issues/levels/review").content.decode()
    assert "Checked with the Platform lead" in page and "Lee Lead" in page


def test_auditor_may_not_record_a_review(personas, w):
    level = w["team_level"]
    assert personas.client("auditor").post(f"/issues/levels/{level.pk}/review", {"note": "x"}).status_code == 403
    assert not LevelReview.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LEVEL_REVIEWED).exists()
