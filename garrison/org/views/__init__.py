"""The organisation pages: list, detail, create and edit for teams, components, clients and release lines."""

from garrison.org.views.clients import client_create, client_detail, client_edit, client_list
from garrison.org.views.components import component_create, component_detail, component_edit, component_list
from garrison.org.views.releases import (
    release_create,
    release_edit,
    release_line_create,
    release_line_detail,
    release_line_edit,
    release_line_list,
)
from garrison.org.views.teams import (
    team_create,
    team_detail,
    team_edit,
    team_list,
    team_member_add,
    team_member_remove,
)

__all__ = [
    "client_create",
    "client_detail",
    "client_edit",
    "client_list",
    "component_create",
    "component_detail",
    "component_edit",
    "component_list",
    "release_create",
    "release_edit",
    "release_line_create",
    "release_line_detail",
    "release_line_edit",
    "release_line_list",
    "team_create",
    "team_detail",
    "team_edit",
    "team_list",
    "team_member_add",
    "team_member_remove",
]
