"""The JSON API at /api/v1: each app contributes a router; listed here by hand."""

from __future__ import annotations

from ninja import NinjaAPI

from garrison.api import errors
from garrison.api.auth import BearerToken

api = NinjaAPI(
    title="Garrison API",
    version="1",
    description='Bearer-token API. Errors: {"detail": ..., "errors": [{"field": ..., "message": ...}]}.',
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)


def _register() -> None:
    from garrison.access.api import router as access_router
    from garrison.accounts.api import router as accounts_router
    from garrison.audit.api import router as audit_router
    from garrison.disclosure.api.advisories import router as advisories_router
    from garrison.disclosure.api.lists import router as lists_router
    from garrison.findings.api import router as findings_router
    from garrison.issues.api.issues import router as issues_router
    from garrison.issues.api.reports import router as reports_router
    from garrison.notify.api import router as notify_router
    from garrison.org.api import router as org_router

    api.add_router("/", accounts_router)
    api.add_router("/org", org_router)
    api.add_router("/audit", audit_router)
    api.add_router("/access", access_router)
    api.add_router("/", findings_router)
    api.add_router("/", reports_router)
    api.add_router("/", issues_router)
    api.add_router("/notify", notify_router)
    api.add_router("/", advisories_router)
    api.add_router("/", lists_router)


_register()
