"""Every write to the organisation model: teams, components, clients, release lines and releases."""

from garrison.org.services.clients import ContactData, client_create, client_update
from garrison.org.services.components import component_create, component_update
from garrison.org.services.releases import release_create, release_line_create, release_line_update, release_update
from garrison.org.services.teams import team_create, team_member_add, team_member_remove, team_update

__all__ = [
    "ContactData",
    "client_create",
    "client_update",
    "component_create",
    "component_update",
    "release_create",
    "release_line_create",
    "release_line_update",
    "release_update",
    "team_create",
    "team_member_add",
    "team_member_remove",
    "team_update",
]
