"""Request and response bodies of the findings API.

Components and release lines are given by id (UUID) or by name; unknown fields in JSON bodies are refused.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from garrison.findings.models import DecisionState, FindingState, Justification, Kind, ScanStatus, Severity


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: UUID
    name: str


class UserRef(Schema):
    id: UUID
    email: str
    full_name: str


class Counts(Schema):
    """The same keys as ``garrison import --json`` prints under ``findings`` (plus SBOM ``components``)."""

    total: int
    new: int
    unchanged: int
    mitigated: int
    regressed: int
    suppressed: int
    components: int


# --- scans -----------------------------------------------------------------------------------------------------


class ScanOut(Schema):
    id: UUID
    status: ScanStatus
    format: str
    tool: str
    file_name: str
    file_size: int
    file_sha256: str
    component: Ref
    release_line: Ref | None
    service: str
    error: str = Field(description="Why a queued import failed (empty otherwise).")
    counts: Counts
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_counts(obj: Any) -> dict[str, int]:
        return {key: getattr(obj, key) for key in Counts.model_fields}


class DryRunOut(Schema):
    dry_run: bool = True
    format: str
    counts: Counts


class ScanPage(Schema):
    items: list[ScanOut]
    next_cursor: str | None


# --- findings --------------------------------------------------------------------------------------------------


class FindingOut(Schema):
    id: UUID
    title: str
    kind: Kind
    severity: Severity
    state: FindingState
    vulnerability_id: str
    aliases: list[str]
    package_name: str
    package_key: str
    installed_version: str
    fixed_version: str
    file_path: str
    line: int | None
    rule_id: str
    endpoint: str
    parameter: str
    component: Ref
    release_line: Ref | None
    service: str
    is_regression: bool
    suppressed: bool
    decision_state: DecisionState | None
    first_seen_scan_id: UUID
    last_seen_scan_id: UUID
    created_at: datetime
    tools: list[str] = Field(description="The scanners that reported it (two scanners, one finding).")

    @staticmethod
    def resolve_last_seen_scan_id(obj: Any) -> Any:
        """The scan that last reported it (selectors.with_last_seen), not only the last one that wrote its row."""
        return getattr(obj, "seen_scan_id", None) or obj.last_seen_scan_id

    @staticmethod
    def resolve_suppressed(obj: Any) -> bool:
        return obj.suppressed_by_id is not None

    @staticmethod
    def resolve_decision_state(obj: Any) -> str | None:
        return obj.decision.state if obj.decision_id else None


class DecisionOut(Schema):
    """The triage decision that covers a finding, and where it came from."""

    id: UUID
    state: DecisionState
    justification: str
    reason: str
    key: str = Field(description="What the decision is keyed on: dep:<vulnerability>|<package> or fp:<fingerprint>.")
    component: Ref
    decided_by: UserRef
    approved_by: UserRef | None
    expires_at: datetime | None
    expired_at: datetime | None
    decided_at: datetime = Field(alias="updated_at")


class SuppressedByOut(Schema):
    id: UUID
    reason: str
    expires_at: datetime | None


class FindingDetailOut(FindingOut):
    description: str
    references: list[Any]
    cwes: list[Any]
    cvss_v3_vector: str
    cvss_v3_score: Decimal | None
    cvss_v4_vector: str
    cvss_v4_score: Decimal | None
    mitigated_by_scan_id: UUID | None
    mitigated_at: datetime | None
    decision: DecisionOut | None
    suppressed_by: SuppressedByOut | None


class FindingPage(Schema):
    items: list[FindingOut]
    next_cursor: str | None


class DecisionIn(StrictIn):
    state: DecisionState
    reason: str = Field(min_length=1)
    justification: Justification | None = Field(None, description="For not_affected: the CSAF/OpenVEX reason.")
    expires_at: datetime | None = Field(None, description="For risk_accepted: when the acceptance lapses.")


# --- suppressions ----------------------------------------------------------------------------------------------


class SuppressionOut(Schema):
    id: UUID
    vulnerability_id: str
    purl_pattern: str
    path_glob: str
    rule_id: str
    component: Ref | None
    release_line: Ref | None
    reason: str
    created_by: UserRef
    approved_by: UserRef | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class SuppressionIn(StrictIn):
    vulnerability_id: str = ""
    purl_pattern: str = Field("", description="Glob on the versionless purl, e.g. pkg:npm/lodash*")
    path_glob: str = ""
    rule_id: str = ""
    component: str | None = Field(None, description="Component id or name; none for everywhere.")
    release_line: str | None = Field(None, description="Release line id or name; none for every line.")
    reason: str = Field(min_length=1)
    expires_at: datetime | None = None


class SuppressionPage(Schema):
    items: list[SuppressionOut]
    next_cursor: str | None
