from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from garrison.access.permissions import Permission
from garrison.access.policy import effective_permissions


def garrison(request: HttpRequest) -> dict[str, Any]:
    """Expose the viewer's permissions to templates as ``perms_g`` (a set of permission strings)."""
    user = getattr(request, "user", None)
    return {
        "perms_g": {str(p) for p in effective_permissions(user)},
        "Permission": Permission,
        "garrison_version": settings.GARRISON_VERSION,
        "sso_enabled": settings.GARRISON_OIDC_ENABLED,
    }
