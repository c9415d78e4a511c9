from __future__ import annotations


class AccessDenied(Exception):
    """The actor may not do this. Views turn it into 403 (or 404 when the object must stay invisible)."""

    def __init__(self, permission: str, message: str = "") -> None:
        self.permission = permission
        super().__init__(message or f"missing permission {permission}")
