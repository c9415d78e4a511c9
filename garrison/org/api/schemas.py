"""Request and response bodies of the organisation API.

References: teams, components and users are given by id (UUID) in ``*_id`` / ``*_ids`` fields; a classification
label by its name (e.g. "Confidential"). Unknown fields are refused (422 naming the field). In PATCH bodies every
field may be left out; a field that is sent replaces the current value (lists replace the whole list).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from garrison.org.models import ReleaseLineStatus, SupportStatus


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out, but may not be null")
    return value


NotNull = BeforeValidator(_not_null)
LABEL_HELP = "Name of a classification label you may assign (needs access:label:manage); null for none."


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


# --- shared output pieces --------------------------------------------------------------------------------------


class UserRef(Schema):
    id: UUID
    email: str
    full_name: str


class ComponentRef(Schema):
    id: UUID
    name: str


class ReleaseLineRef(Schema):
    id: UUID
    name: str


def label_name(obj: Any) -> str | None:
    return obj.classification.name if obj.classification_id else None


# --- teams -----------------------------------------------------------------------------------------------------


class TeamOut(Schema):
    id: UUID
    name: str
    description: str
    lead: UserRef | None
    members: list[UserRef]
    classification: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_classification(obj: Any) -> str | None:
        return label_name(obj)

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return [m.user for m in obj.memberships.all()]


class TeamIn(StrictIn):
    name: str
    description: str = ""
    lead_id: UUID | None = Field(None, description="Id of an active staff user; they become a member.")
    classification: str | None = Field(None, description=LABEL_HELP)


class TeamPatch(StrictIn):
    name: Annotated[str | None, NotNull] = None
    description: Annotated[str | None, NotNull] = None
    lead_id: UUID | None = Field(None, description="Id of an active staff user, or null for no lead.")
    classification: str | None = Field(None, description=LABEL_HELP)


class MemberIn(StrictIn):
    user_id: UUID = Field(description="Id of an active staff user.")


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


# --- components ------------------------------------------------------------------------------------------------


class RestrictedTeamRef(Schema):
    id: UUID
    name: str | None = Field(description="Null when the team's own label hides it from you.")


class ComponentOut(Schema):
    id: UUID
    name: str
    description: str
    repository_url: str
    package_url: str
    support_status: SupportStatus
    responsible_team: RestrictedTeamRef
    classification: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_classification(obj: Any) -> str | None:
        return label_name(obj)

    @staticmethod
    def resolve_responsible_team(obj: Any) -> dict[str, Any]:
        visible = getattr(obj, "team_visible", False)
        return {"id": obj.responsible_team_id, "name": obj.responsible_team.name if visible else None}


class ComponentIn(StrictIn):
    name: str
    responsible_team_id: UUID = Field(description="Id of the team responsible for the component (required).")
    description: str = ""
    repository_url: str = ""
    package_url: str = Field("", description="purl without version, e.g. pkg:pypi/django")
    support_status: SupportStatus = SupportStatus.SUPPORTED
    classification: str | None = Field(None, description=LABEL_HELP)


class ComponentPatch(StrictIn):
    name: Annotated[str | None, NotNull] = None
    responsible_team_id: Annotated[UUID | None, NotNull] = Field(None, description="Id of the responsible team.")
    description: Annotated[str | None, NotNull] = None
    repository_url: Annotated[str | None, NotNull] = None
    package_url: Annotated[str | None, NotNull] = None
    support_status: Annotated[SupportStatus | None, NotNull] = None
    classification: str | None = Field(None, description=LABEL_HELP)


class ComponentPage(Schema):
    items: list[ComponentOut]
    next_cursor: str | None


# --- clients ---------------------------------------------------------------------------------------------------


class ContactSchema(StrictIn):
    email: str
    name: str = ""
    role: str = ""


class ClientOut(Schema):
    id: UUID
    name: str
    description: str
    components: list[ComponentRef]
    contacts: list[ContactSchema]
    classification: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_classification(obj: Any) -> str | None:
        return label_name(obj)


class ClientIn(StrictIn):
    name: str
    description: str = ""
    component_ids: list[UUID] = Field(default_factory=list, description="Ids of the components the client runs.")
    contacts: list[ContactSchema] = Field(default_factory=list)
    classification: str | None = Field(None, description=LABEL_HELP)


class ClientPatch(StrictIn):
    name: Annotated[str | None, NotNull] = None
    description: Annotated[str | None, NotNull] = None
    component_ids: Annotated[list[UUID] | None, NotNull] = Field(None, description="Replaces the whole list.")
    contacts: Annotated[list[ContactSchema] | None, NotNull] = Field(None, description="Replaces the whole list.")
    classification: str | None = Field(None, description=LABEL_HELP)


class ClientPage(Schema):
    items: list[ClientOut]
    next_cursor: str | None


# --- release lines and releases --------------------------------------------------------------------------------


class ReleaseLineOut(Schema):
    id: UUID
    name: str
    description: str
    status: ReleaseLineStatus
    support_ends_on: date | None
    support_ended: bool = Field(description="Unsupported, or past support_ends_on.")
    classification: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_classification(obj: Any) -> str | None:
        return label_name(obj)


class ReleaseLineIn(StrictIn):
    name: str
    description: str = ""
    status: ReleaseLineStatus = ReleaseLineStatus.SUPPORTED
    support_ends_on: date | None = None
    classification: str | None = Field(None, description=LABEL_HELP)


class ReleaseLinePatch(StrictIn):
    name: Annotated[str | None, NotNull] = None
    description: Annotated[str | None, NotNull] = None
    status: Annotated[ReleaseLineStatus | None, NotNull] = None
    support_ends_on: date | None = None
    classification: str | None = Field(None, description=LABEL_HELP)


class ReleaseLinePage(Schema):
    items: list[ReleaseLineOut]
    next_cursor: str | None


class ReleaseOut(Schema):
    id: UUID
    release_line: ReleaseLineRef
    version: str
    released_on: date | None
    notes: str
    created_at: datetime
    updated_at: datetime


class ReleaseIn(StrictIn):
    version: str
    released_on: date | None = None
    notes: str = ""


class ReleasePatch(StrictIn):
    version: Annotated[str | None, NotNull] = None
    released_on: date | None = None
    notes: Annotated[str | None, NotNull] = None


class ReleasePage(Schema):
    items: list[ReleaseOut]
    next_cursor: str | None
