"""Scan uploads (multipart) and scan history."""

from __future__ import annotations

from typing import Any, BinaryIO, cast
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.pagination import page
from garrison.findings import services
from garrison.findings.api import refs
from garrison.findings.api.schemas import DryRunOut, ScanOut, ScanPage
from garrison.findings.importers import REGISTRY, ParseError
from garrison.findings.selectors import get_scan_for, scans_visible_to

router = Router()


def _checked(file: UploadedFile | None, fmt: str) -> UploadedFile:
    if file is None:
        raise ValidationError({"file": "attach the report as the multipart field 'file'"})
    limit = settings.GARRISON_MAX_UPLOAD_BYTES
    if (file.size or 0) > limit:
        raise HttpError(413, f"file: {file.size} bytes is more than the limit of {limit} bytes")
    if fmt and fmt not in REGISTRY:
        raise ValidationError({"format": f"unknown format {fmt!r}; one of {', '.join(sorted(REGISTRY))}"})
    return file


@router.post("/scans", response={200: DryRunOut, 201: ScanOut, 202: ScanOut}, summary="Upload a scanner report")
def upload_scan(
    request: HttpRequest,
    file: UploadedFile | None = File(None, description="The report."),  # noqa: B008
    component: str = Form("", description="Component id or name."),
    release_line: str = Form("", description="Release line id or name (optional)."),
    service: str = Form("", description="Service, image or deployment (optional)."),
    fmt: str = Form("", alias="format", description="Format name; detected from the content when empty."),
    dry_run: bool = Form(False, description="Parse and count, store nothing."),
) -> Status[Any]:
    """Reports up to GARRISON_SYNC_IMPORT_BYTES are imported at once (201 with the scan and its counts); larger
    ones are queued (202, status ``queued``): poll ``GET /scans/{id}``. An unreadable report is a 422 on ``file``
    naming the format and the position, and nothing is stored."""
    actor = request.user
    require(actor, Permission.SCAN_IMPORT)  # refuse before looking at the body
    upload = _checked(file, fmt)
    target = refs.component(actor, component)
    if target is None:
        raise ValidationError({"component": "required: the id or name of the component that was scanned"})
    options: dict[str, Any] = {
        "component": target,
        "release_line": refs.release_line(actor, release_line),
        "service": service.strip(),
        "fmt": fmt or None,
        "actor": actor,
    }
    if dry_run or (upload.size or 0) <= settings.GARRISON_SYNC_IMPORT_BYTES:
        try:
            source = cast(BinaryIO, upload)
            result = services.scan_import(source=source, file_name=upload.name or "", dry_run=dry_run, **options)
        except ParseError as exc:
            raise ValidationError({"file": str(exc)}) from None
        if result.scan is None:  # a dry run
            return Status(200, {"format": result.format, "counts": result.counts.as_dict()})
        return Status(201, get_scan_for(actor=actor, pk=result.scan.pk))
    scan = services.scan_enqueue(upload=upload, **options)
    return Status(202, get_scan_for(actor=actor, pk=scan.pk))


@router.get("/scans", response=ScanPage, summary="List scans, oldest first")
def list_scans(
    request: HttpRequest, cursor: str | None = None, limit: int = 50, component: str = "", release_line: str = ""
) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.FINDING_VIEW)
    qs = scans_visible_to(
        actor=actor, component=refs.component(actor, component), release_line=refs.release_line(actor, release_line)
    )
    items, next_cursor = page(qs, cursor=cursor, limit=limit, keys=("created_at", "id"))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/scans/{uuid:scan_id}", response=ScanOut, summary="One scan (poll it while it is queued)")
def get_scan(request: HttpRequest, scan_id: UUID) -> Any:
    require(request.user, Permission.FINDING_VIEW)
    return get_scan_for(actor=request.user, pk=scan_id)
