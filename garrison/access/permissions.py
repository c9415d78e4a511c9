"""Every permission in Garrison, as ``area:resource:action``. Nothing else names a permission."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    DASHBOARD_VIEW = "core:dashboard:view"

    USER_VIEW = "accounts:user:view"
    USER_MANAGE = "accounts:user:manage"
    TOKEN_MANAGE_OWN = "accounts:token:manage"

    LABEL_VIEW = "access:label:view"
    LABEL_MANAGE = "access:label:manage"

    AUDIT_VIEW = "audit:event:view"
    AUDIT_EXPORT = "audit:event:export"

    TEAM_VIEW = "org:team:view"
    TEAM_EDIT = "org:team:edit"
    COMPONENT_VIEW = "org:component:view"
    COMPONENT_EDIT = "org:component:edit"
    CLIENT_VIEW = "org:client:view"
    CLIENT_EDIT = "org:client:edit"
    RELEASE_VIEW = "org:release:view"
    RELEASE_EDIT = "org:release:edit"

    FINDING_VIEW = "findings:finding:view"
    FINDING_TRIAGE = "findings:finding:triage"
    SCAN_IMPORT = "findings:scan:import"
    SUPPRESSION_MANAGE = "findings:suppression:manage"
    RISK_ACCEPT = "findings:risk:accept"

    # Seeing any embargoed security issue at all (the issue's security level narrows it further).
    # Holding it makes two-factor sign-in mandatory.
    ISSUE_EMBARGOED_VIEW = "issues:embargoed:view"
    ISSUE_VIEW = "issues:issue:view"
    ISSUE_CREATE = "issues:issue:create"
    ISSUE_TRIAGE = "issues:issue:triage"
    ISSUE_COMMENT = "issues:comment:add"
    BACKPORT_EDIT = "issues:backport:edit"
    LEVEL_VIEW = "issues:level:view"
    LEVEL_MANAGE = "issues:level:manage"
    INTAKE_MANAGE = "issues:intake:manage"

    ADVISORY_VIEW = "disclosure:advisory:view"
    ADVISORY_EDIT = "disclosure:advisory:edit"
    ADVISORY_PUBLISH = "disclosure:advisory:publish"
    DISTRIBUTION_MANAGE = "disclosure:list:manage"

    ONCALL_VIEW = "notify:oncall:view"
    ONCALL_MANAGE = "notify:oncall:manage"
    DELIVERY_VIEW = "notify:delivery:view"
    DELIVERY_MANAGE = "notify:delivery:manage"
