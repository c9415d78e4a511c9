from __future__ import annotations

import pytest
from django.http import Http404

from garrison.access.models import ClassificationLabel
from garrison.org import selectors
from garrison.org.tests.factories import ClientFactory, ComponentFactory, ReleaseFactory, ReleaseLineFactory


def names(qs) -> list[str]:
    return sorted(qs.values_list("name", flat=True))


def test_developer_sees_no_clients(personas):
    ClientFactory.create(name="Uni")
    assert names(selectors.clients_visible_to(actor=personas.developer)) == []
    assert names(selectors.clients_visible_to(actor=personas.triager)) == ["Uni"]


def test_outsider_sees_no_teams_or_components(personas):
    assert names(selectors.teams_visible_to(actor=personas.outsider)) == []
    assert names(selectors.components_visible_to(actor=personas.outsider)) == []


def test_private_label_hides_component_from_developer_not_from_auditor(personas):
    ComponentFactory.create(name="vault", classification=ClassificationLabel.objects.get(name="Private"))
    assert names(selectors.components_visible_to(actor=personas.developer)) == ["billing", "core-api"]
    assert names(selectors.components_visible_to(actor=personas.auditor)) == ["billing", "core-api", "vault"]


def test_secret_label_hides_team_until_a_team_of_the_actor_is_named(personas):
    secret = ClassificationLabel.objects.get(name="Secret")
    payments = personas.world["payments"]
    payments.classification = secret
    payments.save()
    assert names(selectors.teams_visible_to(actor=personas.developer)) == ["Platform"]
    secret.teams.add(personas.world["platform"])
    del personas.developer._garrison_label_ids
    assert names(selectors.teams_visible_to(actor=personas.developer)) == ["Payments", "Platform"]


def test_releases_follow_their_release_line(personas):
    private = ClassificationLabel.objects.get(name="Private")
    hidden_line = ReleaseLineFactory.create(name="Hidden", classification=private)
    ReleaseFactory.create(release_line=hidden_line, version="1.0")
    ReleaseFactory.create(release_line=personas.world["quesnelia"], version="2.0")
    versions = selectors.releases_visible_to(actor=personas.developer).values_list("version", flat=True)
    assert list(versions) == ["2.0"]
    assert selectors.releases_visible_to(actor=personas.auditor).count() == 2


def test_get_for_raises_404_for_an_invisible_record(personas):
    vault = ComponentFactory.create(name="vault", classification=ClassificationLabel.objects.get(name="Private"))
    with pytest.raises(Http404):
        selectors.get_component_for(actor=personas.developer, pk=vault.pk)
    assert selectors.get_component_for(actor=personas.auditor, pk=vault.pk) == vault


def test_components_filter_by_team_status_and_text(personas):
    ComponentFactory.create(
        name="old-billing", responsible_team=personas.world["payments"], support_status="unsupported"
    )
    lead = personas.security_lead
    assert names(selectors.components_visible_to(actor=lead, team=personas.world["payments"])) == [
        "billing",
        "old-billing",
    ]
    assert names(selectors.components_visible_to(actor=lead, support_status="unsupported")) == ["old-billing"]
    assert names(selectors.components_visible_to(actor=lead, search="CORE")) == ["core-api"]


def test_release_lines_filter_by_status(personas):
    ReleaseLineFactory.create(name="Poppy", status="unsupported")
    assert names(selectors.release_lines_visible_to(actor=personas.triager, status="unsupported")) == ["Poppy"]


def test_developer_may_assign_components_only_to_their_teams(personas):
    assert names(selectors.teams_assignable_to_components(actor=personas.developer)) == ["Platform"]
    assert names(selectors.teams_assignable_to_components(actor=personas.security_lead)) == ["Payments", "Platform"]
    assert names(selectors.teams_assignable_to_components(actor=personas.triager)) == []
