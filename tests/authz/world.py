"""The objects every matrix check points at, on top of the personas' own world."""

from __future__ import annotations

from datetime import date

from garrison.access.models import ClassificationLabel
from garrison.access.roles import Role
from garrison.accounts.models import ApiToken
from garrison.core.tests.api_client import make_token
from garrison.core.tests.personas import Personas, make_user
from garrison.org.models import Client, Component, Release, Team

# Names that must never appear in any response to anyone (Secret label naming nobody) ...
SECRET_MARKERS = ("Red Cell", "red-cell-tooling")
# ... and a name only the roles admitted by the Private label (admin, security lead, auditor) may see.
PRIVATE_MARKER = "Hidden Client Ltd"


def build(p: Personas) -> dict[str, object]:
    w: dict[str, object] = dict(p.world)
    labels = {label.name: label for label in ClassificationLabel.objects.all()}
    w["labels"] = labels
    secret_team = Team.objects.create(name="Red Cell", classification=labels["Secret"])
    w["secret_team"] = secret_team
    w["secret_component"] = Component.objects.create(
        name="red-cell-tooling", responsible_team=secret_team, classification=labels["Secret"]
    )
    w["acme"] = Client.objects.create(name="Acme Hosting")
    w["hidden_client"] = Client.objects.create(name=PRIVATE_MARKER, classification=labels["Private"])
    w["release"] = Release.objects.create(
        release_line=p.world["quesnelia"], version="1.0.0", released_on=date(2026, 1, 5)
    )
    w["victim"] = make_user("victim@example.org", Role.DEVELOPER)
    make_token(p.admin)
    w["admin_token"] = ApiToken.objects.get(user=p.admin)
    return w
