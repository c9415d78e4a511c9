"""The findings API, mounted at /api/v1: /scans, /findings and /suppressions."""

from ninja import Router

from garrison.findings.api.findings import router as findings_router
from garrison.findings.api.scans import router as scans_router
from garrison.findings.api.suppressions import router as suppressions_router

router = Router(tags=["findings"])
router.add_router("", scans_router)
router.add_router("", findings_router)
router.add_router("", suppressions_router)

__all__ = ["router"]
