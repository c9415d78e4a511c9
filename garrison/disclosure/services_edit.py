"""Editing an advisory draft (text, scores, weaknesses, references, products, credits, revisions) and the reporter's
answer to being credited. Every change is validated first (nothing is stored when any field is wrong), audited
with field names only (never the embargoed text)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.disclosure.exporters.cwe import CWE_NAMES
from garrison.disclosure.models import Advisory, AdvisoryProduct, Credit, CreditConsent, CreditType, Revision
from garrison.disclosure.selectors import get_advisory_for
from garrison.disclosure.status import Justification, ProductStatus
from garrison.issues.cvss import CvssError, score_vector

CVE_RE = re.compile(r"^CVE-\d{4}-\d{4,}$")
GHSA_RE = re.compile(r"^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$")
SEVERITIES = ("critical", "high", "medium", "low", "none")
TEXT_LIMITS = {"title": 200, "summary": 500, "description": 20000, "workarounds": 20000}
EDITABLE = (
    "title",
    "summary",
    "description",
    "cve_id",
    "ghsa_id",
    "severity",
    "cvss_v3_vector",
    "cvss_v4_vector",
    "cwe_ids",
    "workarounds",
    "references",
)
REFERENCE_TYPES = ("web", "fix", "report", "advisory", "article", "package", "evidence")


def _editable(actor: Any, advisory: Advisory) -> Advisory:
    """The advisory as the actor may see it (404 otherwise), after the permission check."""
    require(actor, Permission.ADVISORY_EDIT)
    return get_advisory_for(actor=actor, identifier=advisory.identifier)


def _audit(actor: Any, advisory: Advisory, fields: list[str], **extra: Any) -> None:
    record(
        action=AuditAction.ADVISORY_UPDATED,
        actor=actor,
        target=advisory,
        data={"identifier": advisory.identifier, "fields": sorted(fields), **extra},
    )


def _clean_cwe_ids(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,]+", str(value or "").strip())
    out: list[int] = []
    for item in items:
        text = str(item).strip().upper().removeprefix("CWE-")
        if not text:
            continue
        if not text.isdigit():
            raise ValidationError({"cwe_ids": f"{item} is not a CWE id (write e.g. CWE-79 or 79)."})
        number = int(text)
        if number not in CWE_NAMES:
            raise ValidationError({"cwe_ids": f"CWE-{number} is not a known CWE id"})
        if number not in out:
            out.append(number)
    return out


def _clean_url(url: str) -> str:
    url = str(url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000 or any(c.isspace() for c in url):
        raise ValidationError({"references": f"{url or '(empty)'} is not an http(s) URL."})
    return url


def _clean_references(value: Any) -> list[dict[str, str]]:
    items = value if isinstance(value, list | tuple) else str(value or "").splitlines()
    out: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            url, kind = item.get("url", ""), str(item.get("type") or "web")
        else:
            url, kind = str(item), "web"
        if not str(url).strip():
            continue
        if kind not in REFERENCE_TYPES:
            raise ValidationError(
                {"references": f"Reference type {kind!r}: choose one of {', '.join(REFERENCE_TYPES)}."}
            )
        out.append({"url": _clean_url(str(url)), "type": kind})
    return out


def _clean_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validated column values for ``changes``; every wrong field is reported at once."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            errors[name] = "This field cannot be changed here."
            continue
        try:
            out.update(_clean_one(name, value))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[field] = " ".join(messages)
    if errors:
        raise ValidationError(errors)
    return out


def _clean_one(name: str, value: Any) -> dict[str, Any]:
    if name in TEXT_LIMITS:
        text = str(value or "").strip()
        if name == "title" and not text:
            raise ValidationError({name: "An advisory needs a title."})
        if len(text) > TEXT_LIMITS[name]:
            raise ValidationError({name: f"At most {TEXT_LIMITS[name]} characters."})
        return {name: text}
    if name == "cve_id":
        text = str(value or "").strip().upper()
        if text and not CVE_RE.match(text):
            raise ValidationError({name: "A CVE id looks like CVE-2026-12345."})
        return {name: text}
    if name == "ghsa_id":
        text = str(value or "").strip()
        if text and not GHSA_RE.match(text):
            raise ValidationError({name: "A GHSA id looks like GHSA-xxxx-xxxx-xxxx."})
        return {name: text}
    if name == "severity":
        text = str(value or "").strip().lower()
        if text and text not in SEVERITIES:
            raise ValidationError({name: f"Choose one of: {', '.join(SEVERITIES)}."})
        return {name: text}
    if name in ("cvss_v3_vector", "cvss_v4_vector"):
        return _clean_vector(name, str(value or "").strip())
    if name == "cwe_ids":
        return {name: _clean_cwe_ids(value)}
    return {name: _clean_references(value)}


def _clean_vector(name: str, text: str) -> dict[str, Any]:
    score_field = name.replace("_vector", "_score")
    if not text:
        return {name: "", score_field: None}
    try:
        scored = score_vector(text)
    except CvssError as exc:
        raise ValidationError({name: str(exc)}) from None
    wanted_v4 = name == "cvss_v4_vector"
    if (scored.version == "4.0") != wanted_v4:
        raise ValidationError({name: "Give a CVSS 4.0 vector here." if wanted_v4 else "Give a CVSS 3.x vector here."})
    return {name: scored.vector, score_field: scored.score}


def advisory_update(*, actor: Any, advisory: Advisory, changes: dict[str, Any]) -> Advisory:
    """Change the text fields, ids, severity, CVSS vectors (scored here), CWE ids and references."""
    advisory = _editable(actor, advisory)
    values = _clean_changes(changes)
    with transaction.atomic():
        row = Advisory.objects.select_for_update().get(pk=advisory.pk)
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if not changed:
            return row
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=[*changed, "updated_at"])
        _audit(actor, row, changed)
    return row


def _clean_product(changes: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    status = str(changes.get("status") or "")
    justification = str(changes.get("justification") or "")
    if status not in {s.value for s in ProductStatus}:
        errors["status"] = f"Choose one of: {', '.join(s.value for s in ProductStatus)}."
    if justification and justification not in {j.value for j in Justification}:
        errors["justification"] = "Choose a VEX justification."
    if status == ProductStatus.NOT_AFFECTED and not justification:
        errors["justification"] = "Say why the product is not affected."
    if status and status != ProductStatus.NOT_AFFECTED and justification:
        errors["justification"] = "Only a product that is not affected has a justification."
    values = {"status": status, "justification": justification}
    for name, limit in (("affected_versions", 200), ("introduced_version", 64), ("fixed_version", 64)):
        text = str(changes.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = f"At most {limit} characters."
        values[name] = text
    values["impact"] = str(changes.get("impact") or "").strip()
    if errors:
        raise ValidationError(errors)
    return values


def product_set(
    *, actor: Any, advisory: Advisory, component: Any, release_line: Any = None, changes: dict[str, Any]
) -> AdvisoryProduct:
    """Add or change one product row (component, optional release line) of the advisory."""
    advisory = _editable(actor, advisory)
    if component is None:
        raise ValidationError({"component": "Choose a component."})
    values = _clean_product(changes)
    with transaction.atomic():
        product, created = AdvisoryProduct.objects.update_or_create(
            advisory=advisory, component=component, release_line=release_line, defaults=values
        )
        _audit(actor, advisory, ["products"], product=str(product.pk), created=created)
    return product


def product_delete(*, actor: Any, advisory: Advisory, product_id: Any) -> None:
    advisory = _editable(actor, advisory)
    with transaction.atomic():
        deleted, _ = AdvisoryProduct.objects.filter(advisory=advisory, pk=product_id).delete()
        if not deleted:
            raise ValidationError({"product": "No such product on this advisory."})
        _audit(actor, advisory, ["products"], product=str(product_id), deleted=True)


def credit_add(
    *, actor: Any, advisory: Advisory, name: str, organisation: str = "", type: str = CreditType.FINDER
) -> Credit:
    """A credit added by the team (consent not needed: the team asked the person themself)."""
    advisory = _editable(actor, advisory)
    name, organisation = (name or "").strip(), (organisation or "").strip()
    errors = {}
    if not name or len(name) > 150:
        errors["name"] = "Give a name of at most 150 characters."
    if len(organisation) > 150:
        errors["organisation"] = "At most 150 characters."
    if type not in CreditType.values:
        errors["type"] = "Choose a credit type."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        credit = Credit.objects.create(
            advisory=advisory, name=name, organisation=organisation, type=type, consent=CreditConsent.NOT_NEEDED
        )
        _audit(actor, advisory, ["credits"], credit=str(credit.pk))
    return credit


def credit_delete(*, actor: Any, advisory: Advisory, credit_id: Any) -> None:
    advisory = _editable(actor, advisory)
    with transaction.atomic():
        deleted, _ = Credit.objects.filter(advisory=advisory, pk=credit_id).delete()
        if not deleted:
            raise ValidationError({"credit": "No such credit on this advisory."})
        _audit(actor, advisory, ["credits"], credit=str(credit_id), deleted=True)


def revision_add(*, actor: Any, advisory: Advisory, summary: str) -> Revision:
    """The next revision (number = last + 1), dated now."""
    advisory = _editable(actor, advisory)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Say what changed in this revision."})
    if len(summary) > 300:
        raise ValidationError({"summary": "At most 300 characters."})
    with transaction.atomic():
        Advisory.objects.select_for_update().filter(pk=advisory.pk).first()
        last = Revision.objects.filter(advisory=advisory).order_by("-number").values_list("number", flat=True).first()
        revision = Revision.objects.create(advisory=advisory, number=(last or 0) + 1, summary=summary, date=clock.now())
        _audit(actor, advisory, ["revisions"], revision=revision.number)
    return revision


def credit_consent(*, issue: Any, accept: bool) -> int:
    """The reporter (through their tracking link) accepts or declines being credited: every pending credit of the
    advisories linked to ``issue``. Returns how many credits were answered."""
    consent = CreditConsent.ACCEPTED if accept else CreditConsent.DECLINED
    with transaction.atomic():
        credits = list(
            Credit.objects.select_for_update()
            .filter(issue=issue, consent=CreditConsent.PENDING, advisory__issues=issue)
            .select_related("advisory")
        )
        for credit in credits:
            credit.consent = consent
            credit.save(update_fields=["consent", "updated_at"])
            record(
                action=AuditAction.ADVISORY_UPDATED,
                actor=None,
                actor_label="reporter",
                target=credit.advisory,
                data={"identifier": credit.advisory.identifier, "fields": ["credits"], "consent": str(consent)},
            )
    return len(credits)
