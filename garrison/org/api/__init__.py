"""The organisation API, mounted at /api/v1/org (see `schemas` for how records are referenced)."""

from ninja import Router

from garrison.org.api.clients import router as clients_router
from garrison.org.api.components import router as components_router
from garrison.org.api.releases import router as releases_router
from garrison.org.api.teams import router as teams_router

router = Router(tags=["organisation"])
router.add_router("", teams_router)
router.add_router("", components_router)
router.add_router("", clients_router)
router.add_router("", releases_router)

__all__ = ["router"]
