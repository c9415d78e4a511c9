"""Factories for the organisation model (test set-up only; the application writes through the services)."""

from __future__ import annotations

import factory

from garrison.org.models import Client, Component, Release, ReleaseLine, Team


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n:03d}")


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    name = factory.Sequence(lambda n: f"component-{n:03d}")
    responsible_team = factory.SubFactory(TeamFactory)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n:03d}")


class ReleaseLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseLine

    name = factory.Sequence(lambda n: f"Line {n:03d}")


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    release_line = factory.SubFactory(ReleaseLineFactory)
    version = factory.Sequence(lambda n: f"1.{n}.0")
