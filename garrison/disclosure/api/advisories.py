"""Advisories for the security team: list (keyset), draft from issues, read, edit, approve, pre-notify, publish
and export. (The public pages and feeds live at /advisories/, outside the API.)"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.api.errors import error_body
from garrison.api.pagination import page
from garrison.disclosure import services, services_edit
from garrison.disclosure.document import ExportError
from garrison.disclosure.models import Advisory
from garrison.disclosure.selectors import advisories_visible_to, get_advisory_for

router = Router(tags=["disclosure"])

_KEY = re.compile(r"^SEC-(\d{1,9})$", re.IGNORECASE)


class ProductOut(Schema):
    id: str
    component: str
    release_line: str
    status: str
    justification: str
    affected_versions: str
    fixed_version: str


class CreditOut(Schema):
    id: str
    name: str
    organisation: str
    type: str
    consent: str


class RevisionOut(Schema):
    number: int
    summary: str
    date: datetime


class AdvisoryOut(Schema):
    identifier: str
    title: str
    level: str
    cve_id: str
    ghsa_id: str
    severity: str
    embargo_ends_at: datetime | None
    pre_notified_at: datetime | None
    published_at: datetime | None
    created_at: datetime


class AdvisoryDetailOut(AdvisoryOut):
    summary: str
    description: str
    cvss_v3_vector: str
    cvss_v3_score: Decimal | None
    cvss_v4_vector: str
    cvss_v4_score: Decimal | None
    cwe_ids: list[int]
    workarounds: str
    references: list[dict[str, str]]
    issues: list[str]
    approved: bool
    products: list[ProductOut]
    credits: list[CreditOut]
    revisions: list[RevisionOut]
    publication_problems: list[str]


class AdvisoryPage(Schema):
    items: list[AdvisoryOut]
    next_cursor: str | None


class DraftIn(Schema):
    issues: list[str] = Field(..., description="Issue keys, e.g. ['SEC-12'].")


class ReferenceIn(Schema):
    url: str
    type: str = "web"


class AdvisoryPatch(Schema):
    title: str | None = None
    summary: str | None = None
    description: str | None = None
    cve_id: str | None = None
    ghsa_id: str | None = None
    severity: str | None = None
    cvss_v3_vector: str | None = None
    cvss_v4_vector: str | None = None
    cwe_ids: list[int | str] | None = None
    workarounds: str | None = None
    references: list[ReferenceIn] | None = None


class PrenotifyIn(Schema):
    embargo_ends_at: datetime = Field(..., description="With its time zone, e.g. 2026-12-01T09:00+01:00.")


class FixPublicIn(Schema):
    publish: bool = Field(..., description="Publish the advisory now (true), or keep it unpublished with a reason.")
    override_reason: str = Field("", max_length=2000, description="Required when publish is false.")


def _detail(advisory: Advisory) -> dict[str, Any]:
    return {
        **{name: getattr(advisory, name) for name in AdvisoryDetailOut.model_fields if hasattr(Advisory, name)},
        "cwe_ids": [int(c) for c in advisory.cwe_ids if str(c).isdigit()],
        "references": [
            {"url": str(r.get("url", "")), "type": str(r.get("type", "web"))}
            for r in advisory.references
            if isinstance(r, dict)
        ],
        "issues": [i.key for i in advisory.issues.order_by("number")],
        "approved": advisory.approved_by_id is not None,
        "products": [
            {
                "id": str(p.pk),
                "component": p.component.name,
                "release_line": p.release_line.name if p.release_line else "",
                "status": p.status,
                "justification": p.justification,
                "affected_versions": p.affected_versions,
                "fixed_version": p.fixed_version,
            }
            for p in advisory.products.select_related("component", "release_line")
        ],
        "credits": [
            {"id": str(c.pk), "name": c.name, "organisation": c.organisation, "type": c.type, "consent": c.consent}
            for c in advisory.credits.all()
        ],
        "revisions": [{"number": r.number, "summary": r.summary, "date": r.date} for r in advisory.revisions.all()],
        "publication_problems": services.publication_problems(advisory),
    }


def _fresh(actor: Any, identifier: str) -> dict[str, Any]:
    return _detail(get_advisory_for(actor=actor, identifier=identifier))


@router.get("/advisories", response=AdvisoryPage, summary="Advisories you can see, oldest first")
def list_advisories(request: HttpRequest, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    require(request.user, Permission.ADVISORY_VIEW)
    qs = advisories_visible_to(actor=request.user)
    items, next_cursor = page(qs, cursor=cursor, limit=limit, keys=("created_at", "id"))
    return {"items": items, "next_cursor": next_cursor}


@router.post("/advisories", response={201: AdvisoryDetailOut}, summary="Draft an advisory from security issues")
def draft_advisory(request: HttpRequest, payload: DraftIn) -> Status[Any]:
    from garrison.issues.selectors import issues_visible_to

    actor = request.user
    require(actor, Permission.ADVISORY_EDIT)
    numbers = []
    for key in payload.issues:
        match = _KEY.match(key.strip())
        if not match:
            raise ValidationError({"issues": f"{key!r} is not an issue key such as SEC-12."})
        numbers.append(int(match.group(1)))
    found = list(issues_visible_to(actor=actor).filter(number__in=numbers))
    if not numbers or len(found) != len(set(numbers)):
        raise ValidationError({"issues": "Choose one or more security issues you can see."})
    advisory = services.advisory_draft(actor=actor, issues=found)
    return Status(201, _fresh(actor, advisory.identifier))


@router.get("/advisories/{identifier}", response=AdvisoryDetailOut, summary="One advisory")
def get_advisory(request: HttpRequest, identifier: str) -> dict[str, Any]:
    require(request.user, Permission.ADVISORY_VIEW)
    return _fresh(request.user, identifier)


@router.patch("/advisories/{identifier}", response=AdvisoryDetailOut, summary="Change an advisory's fields")
def patch_advisory(request: HttpRequest, identifier: str, payload: AdvisoryPatch) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.ADVISORY_EDIT)
    advisory = get_advisory_for(actor=actor, identifier=identifier)
    changes = payload.model_dump(exclude_unset=True)
    services_edit.advisory_update(actor=actor, advisory=advisory, changes=changes)
    return _fresh(actor, identifier)


@router.post("/advisories/{identifier}/approve", response=AdvisoryDetailOut, summary="Approve publication")
def approve_advisory(request: HttpRequest, identifier: str) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.ADVISORY_PUBLISH)
    services.advisory_approve(actor=actor, advisory=get_advisory_for(actor=actor, identifier=identifier))
    return _fresh(actor, identifier)


@router.post("/advisories/{identifier}/prenotify", response=AdvisoryDetailOut, summary="Pre-notify: start embargo")
def prenotify_advisory(request: HttpRequest, identifier: str, payload: PrenotifyIn) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.ADVISORY_PUBLISH)
    advisory = get_advisory_for(actor=actor, identifier=identifier)
    services.advisory_prenotify(actor=actor, advisory=advisory, embargo_ends_at=payload.embargo_ends_at)
    return _fresh(actor, identifier)


@router.post("/advisories/{identifier}/publish", response=AdvisoryDetailOut, summary="Publish now")
def publish_advisory(request: HttpRequest, identifier: str) -> dict[str, Any]:
    actor = request.user
    require(actor, Permission.ADVISORY_PUBLISH)
    services.advisory_publish(actor=actor, advisory=get_advisory_for(actor=actor, identifier=identifier))
    return _fresh(actor, identifier)


@router.post(
    "/advisories/{identifier}/fix-public",
    response=AdvisoryDetailOut,
    summary="The fix is already public: publish now, or record why not (the embargo is over either way)",
)
def fix_public(request: HttpRequest, identifier: str, payload: FixPublicIn) -> dict[str, Any]:
    from garrison.disclosure.services_lists import advisory_fix_made_public

    actor = request.user
    require(actor, Permission.ADVISORY_PUBLISH)
    advisory = get_advisory_for(actor=actor, identifier=identifier)
    advisory_fix_made_public(
        actor=actor, advisory=advisory, publish_now=payload.publish, override_reason=payload.override_reason
    )
    return _fresh(actor, identifier)


@router.get(
    "/advisories/{identifier}/export/{fmt}",
    response={200: dict[str, Any], 422: dict[str, Any]},
    summary="The advisory as csaf, csaf-vex, openvex, osv or cve5",
)
def export_advisory(request: HttpRequest, identifier: str, fmt: str) -> Status[Any]:
    actor = request.user
    require(actor, Permission.ADVISORY_VIEW)
    advisory = get_advisory_for(actor=actor, identifier=identifier)
    try:
        return Status(200, services.advisory_export(actor=actor, advisory=advisory, fmt=fmt))
    except ExportError as exc:
        errors = [{"field": m.split(":")[0].strip() if ":" in m else "", "message": m} for m in exc.missing]
        return Status(422, error_body(f"The advisory cannot be exported as {fmt} yet.", errors))
