from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from garrison.access.classification import visible_q
from garrison.access.errors import AccessDenied
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import can, require
from garrison.access.roles import ROLE_PERMISSIONS, Role
from garrison.org.models import Team


def test_every_role_has_an_entry_and_admin_has_everything():
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    assert ROLE_PERMISSIONS[Role.REPORTER] == frozenset()


def test_anonymous_and_inactive_users_can_do_nothing(personas):
    assert not any(can(AnonymousUser(), p) for p in Permission)
    personas.admin.is_active = False
    assert not any(can(personas.admin, p) for p in Permission)


def test_developer_edits_only_components_of_their_team(personas):
    dev = personas.developer
    assert can(dev, Permission.COMPONENT_EDIT, personas.world["core_api"])
    assert not can(dev, Permission.COMPONENT_EDIT, personas.world["billing"])
    with pytest.raises(AccessDenied):
        require(dev, Permission.COMPONENT_EDIT, personas.world["billing"])


def test_token_scopes_narrow_the_role(personas):
    lead = personas.security_lead
    lead.token_scopes = frozenset({Permission.TEAM_VIEW})
    assert can(lead, Permission.TEAM_VIEW)
    assert not can(lead, Permission.TEAM_EDIT)


def test_secret_label_hides_record_even_from_admin_until_named(personas):
    secret = ClassificationLabel.objects.get(name="Secret")
    team = personas.world["payments"]
    team.classification = secret
    team.save()
    admin = personas.admin
    assert not can(admin, Permission.TEAM_VIEW, team)
    assert list(Team.objects.filter(visible_q(admin)).values_list("name", flat=True)) == ["Platform"]
    secret.users.add(admin)
    del admin._garrison_label_ids
    assert can(admin, Permission.TEAM_VIEW, team)


def test_private_label_admits_by_role_and_by_team(personas):
    private = ClassificationLabel.objects.get(name="Private")
    team = personas.world["payments"]
    team.classification = private
    team.save()
    assert can(personas.auditor, Permission.TEAM_VIEW, team)
    assert not can(personas.developer, Permission.TEAM_VIEW, team)
    private.teams.add(personas.world["platform"])
    assert can(personas.developer, Permission.TEAM_VIEW, team) is False  # cached for this request
    fresh = type(personas.developer).objects.get(pk=personas.developer.pk)
    assert can(fresh, Permission.TEAM_VIEW, team)
