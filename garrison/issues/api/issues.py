"""The security-issues API, mounted at /api/v1: /issues (by key, e.g. SEC-12), /security-levels, /issue-labels
and /cvss/score. Every read is narrowed to what the caller may see: an invisible issue is a 404."""

from __future__ import annotations

from ninja import Router

from garrison.issues.api.issues_list import router as list_router
from garrison.issues.api.issues_matrix import router as matrix_router
from garrison.issues.api.issues_meta import router as meta_router
from garrison.issues.api.issues_triage import router as triage_router
from garrison.issues.api.issues_work import router as work_router

router = Router(tags=["issues"])
router.add_router("", list_router)  # first: /issues/count before /issues/{key}
router.add_router("", triage_router)
router.add_router("", work_router)
router.add_router("", matrix_router)
router.add_router("", meta_router)

__all__ = ["router"]
