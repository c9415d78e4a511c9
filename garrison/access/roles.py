"""Roles and the permissions each grants. One role per user; team membership scopes developers."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from garrison.access.permissions import Permission as P


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    SECURITY_LEAD = "security_lead", "Security lead"
    TRIAGER = "triager", "Security triager"
    DEVELOPER = "developer", "Developer"
    AUDITOR = "auditor", "Auditor"
    REPORTER = "reporter", "Reporter (external)"
    NONE = "none", "No role"


_ORG_VIEW = {P.TEAM_VIEW, P.COMPONENT_VIEW, P.RELEASE_VIEW}
_ORG_EDIT = {P.TEAM_EDIT, P.COMPONENT_EDIT, P.RELEASE_EDIT, P.CLIENT_EDIT}
_FINDINGS_WORK = {P.FINDING_VIEW, P.FINDING_TRIAGE, P.SCAN_IMPORT, P.SUPPRESSION_MANAGE}
# Working on security issues (which issues: the issue's security level decides, see garrison.issues.selectors).
_ISSUE_WORK = {
    P.ISSUE_VIEW,
    P.ISSUE_CREATE,
    P.ISSUE_TRIAGE,
    P.ISSUE_COMMENT,
    P.BACKPORT_EDIT,
    P.LEVEL_VIEW,
    P.ONCALL_VIEW,
    P.DELIVERY_VIEW,
    P.ADVISORY_VIEW,
    P.ADVISORY_EDIT,
}

ROLE_PERMISSIONS: dict[str, frozenset[P]] = {
    Role.ADMIN: frozenset(P),
    Role.SECURITY_LEAD: frozenset(
        {
            P.DASHBOARD_VIEW,
            P.USER_VIEW,
            P.TOKEN_MANAGE_OWN,
            P.LABEL_VIEW,
            P.LABEL_MANAGE,
            P.AUDIT_VIEW,
            P.AUDIT_EXPORT,
            P.CLIENT_VIEW,
            P.ISSUE_EMBARGOED_VIEW,
            P.RISK_ACCEPT,
            P.LEVEL_MANAGE,
            P.INTAKE_MANAGE,
            P.ONCALL_MANAGE,
            P.DELIVERY_MANAGE,
            P.ADVISORY_PUBLISH,
            P.DISTRIBUTION_MANAGE,
        }
        | _ORG_VIEW
        | _ORG_EDIT
        | _FINDINGS_WORK
        | _ISSUE_WORK
    ),
    Role.TRIAGER: frozenset(
        {
            P.DASHBOARD_VIEW,
            P.USER_VIEW,
            P.TOKEN_MANAGE_OWN,
            P.LABEL_VIEW,
            P.CLIENT_VIEW,
            P.RELEASE_EDIT,
            P.ISSUE_EMBARGOED_VIEW,
        }
        | _ORG_VIEW
        | _FINDINGS_WORK
        | _ISSUE_WORK
    ),
    # COMPONENT_EDIT is granted to developers only on components their team is responsible for: see SCOPED.
    # FINDING_TRIAGE and SCAN_IMPORT likewise: only for their own teams' components (pipelines upload scans).
    # BACKPORT_EDIT: only on issues their team is responsible for. Which issues they see: the security level.
    Role.DEVELOPER: frozenset(
        {P.DASHBOARD_VIEW, P.TOKEN_MANAGE_OWN, P.COMPONENT_EDIT, P.FINDING_VIEW, P.FINDING_TRIAGE, P.SCAN_IMPORT}
        | {P.ISSUE_VIEW, P.ISSUE_EMBARGOED_VIEW, P.ISSUE_COMMENT, P.BACKPORT_EDIT, P.ONCALL_VIEW}
        | _ORG_VIEW
    ),
    Role.AUDITOR: frozenset(
        {
            P.DASHBOARD_VIEW,
            P.USER_VIEW,
            P.TOKEN_MANAGE_OWN,
            P.LABEL_VIEW,
            P.AUDIT_VIEW,
            P.AUDIT_EXPORT,
            P.CLIENT_VIEW,
            P.ISSUE_EMBARGOED_VIEW,
            P.FINDING_VIEW,
            P.ISSUE_VIEW,
            P.LEVEL_VIEW,
            P.ONCALL_VIEW,
            P.DELIVERY_VIEW,
            P.ADVISORY_VIEW,
        }
        | _ORG_VIEW
    ),
    Role.REPORTER: frozenset(),
    Role.NONE: frozenset({P.DASHBOARD_VIEW}),
}


class Scope(StrEnum):
    """How a scoped grant is narrowed to objects."""

    RESPONSIBLE_TEAM_MEMBER = "responsible_team_member"


# (role, permission) pairs that hold only for some objects.
SCOPED: dict[tuple[str, P], Scope] = {
    (Role.DEVELOPER, P.COMPONENT_EDIT): Scope.RESPONSIBLE_TEAM_MEMBER,
    (Role.DEVELOPER, P.FINDING_TRIAGE): Scope.RESPONSIBLE_TEAM_MEMBER,
    (Role.DEVELOPER, P.SCAN_IMPORT): Scope.RESPONSIBLE_TEAM_MEMBER,
    (Role.DEVELOPER, P.BACKPORT_EDIT): Scope.RESPONSIBLE_TEAM_MEMBER,
}

# The security team sees every security issue, whatever its level (a level that names nobody means them only).
SECURITY_TEAM_ROLES: frozenset[str] = frozenset({Role.SECURITY_LEAD, Role.TRIAGER})

# Roles that can see embargoed issues or administer must use two-factor sign-in.
MFA_REQUIRED_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.SECURITY_LEAD, Role.TRIAGER, Role.DEVELOPER, Role.AUDITOR}
)
STAFF_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.SECURITY_LEAD, Role.TRIAGER, Role.DEVELOPER, Role.AUDITOR})
