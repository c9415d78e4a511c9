"""Every audited action. Nothing else names one."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # accounts
    SIGN_IN = "accounts.sign_in"
    SIGN_IN_FAILED = "accounts.sign_in_failed"
    SIGN_OUT = "accounts.sign_out"
    LOCKOUT = "accounts.lockout"
    MFA_ENROLLED = "accounts.mfa_enrolled"
    MFA_RESET = "accounts.mfa_reset"
    MFA_FAILED = "accounts.mfa_failed"
    RECOVERY_CODE_USED = "accounts.recovery_code_used"
    RECOVERY_CODES_REGENERATED = "accounts.recovery_codes_regenerated"
    PASSWORD_CHANGED = "accounts.password_changed"
    USER_CREATED = "accounts.user_created"
    USER_UPDATED = "accounts.user_updated"
    USER_ROLE_CHANGED = "accounts.user_role_changed"
    USER_DEACTIVATED = "accounts.user_deactivated"
    USER_REACTIVATED = "accounts.user_reactivated"
    TOKEN_CREATED = "accounts.token_created"
    TOKEN_REVOKED = "accounts.token_revoked"
    TOKEN_USED = "accounts.token_used"
    TOKEN_REJECTED = "accounts.token_rejected"
    # access
    LABEL_CREATED = "access.label_created"
    LABEL_UPDATED = "access.label_updated"
    # org
    TEAM_CREATED = "org.team_created"
    TEAM_UPDATED = "org.team_updated"
    TEAM_MEMBER_ADDED = "org.team_member_added"
    TEAM_MEMBER_REMOVED = "org.team_member_removed"
    COMPONENT_CREATED = "org.component_created"
    COMPONENT_UPDATED = "org.component_updated"
    CLIENT_CREATED = "org.client_created"
    CLIENT_UPDATED = "org.client_updated"
    RELEASE_LINE_CREATED = "org.release_line_created"
    RELEASE_LINE_UPDATED = "org.release_line_updated"
    RELEASE_CREATED = "org.release_created"
    RELEASE_UPDATED = "org.release_updated"
    # findings
    SCAN_QUEUED = "findings.scan_queued"
    SCAN_IMPORTED = "findings.scan_imported"
    SCAN_FAILED = "findings.scan_failed"
    DECISION_SET = "findings.decision_set"
    DECISION_EXPIRED = "findings.decision_expired"
    SUPPRESSION_CREATED = "findings.suppression_created"
    SUPPRESSION_REVOKED = "findings.suppression_revoked"
    FINDINGS_BULK_ACTION = "findings.bulk_action"
    # audit itself
    AUDIT_EXPORTED = "audit.exported"
