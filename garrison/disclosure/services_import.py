"""Third-party advisories: a CSAF, OSV or CVE 5 record about software we ship becomes a private advisory draft
(``third_party``), its products matched to our components by package URL, else by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit.actions import AuditAction
from garrison.audit.services import record
from garrison.core import clock
from garrison.disclosure.document import AdvisoryDoc, ProductDoc
from garrison.disclosure.importers import AdvisoryReadError, read_advisory
from garrison.disclosure.models import Advisory, AdvisoryProduct, Credit, CreditConsent, Revision
from garrison.disclosure.services import next_identifier


@dataclass(frozen=True)
class ImportResult:
    advisory: Advisory
    matched: list[str]  # "component (release line)" of the products stored
    unmatched: list[str]  # product names of the record that are none of our components


def _match(products: tuple[ProductDoc, ...], actor: Any) -> tuple[list[tuple[ProductDoc, Any, Any]], list[str]]:
    from garrison.org.models import ReleaseLine
    from garrison.org.selectors import components_visible_to

    components = list(components_visible_to(actor=actor))
    by_purl = {c.package_url.lower(): c for c in components if c.package_url}
    by_name = {c.name.lower(): c for c in components}
    lines = {name: pk for pk, name in ReleaseLine.objects.annotate(n=Lower("name")).values_list("pk", "n")}
    matched, unmatched = [], []
    for product in products:
        purl = product.package_url.split("@", 1)[0].lower()
        component = by_purl.get(purl) or by_name.get(product.component.lower())
        if component is None:
            unmatched.append(product.component)
        else:
            matched.append((product, component, lines.get(product.release_line.lower())))
    return matched, unmatched


def advisory_import(*, actor: Any, data: Any) -> ImportResult:
    """Read the record (format detected from content) and store a private draft for the products that are ours.
    A record we cannot read, or that names none of our components, is refused and nothing is stored."""
    require(actor, Permission.ADVISORY_EDIT)
    try:
        doc: AdvisoryDoc = read_advisory(data)
    except AdvisoryReadError as exc:
        raise ValidationError({"record": f"{exc.field}: {exc.message}"}) from None
    matched, unmatched = _match(doc.products, actor)
    if not matched:
        names = ", ".join(sorted(set(unmatched))[:5]) or "none"
        raise ValidationError({"record": f"None of its products is one of our components (it names: {names})."})
    with transaction.atomic():
        advisory = Advisory.objects.create(
            identifier=next_identifier(),
            cve_id=doc.cve_id[:20],
            ghsa_id=doc.ghsa_id[:30],
            title=(doc.title or doc.identifier)[:200],
            summary=doc.summary[:500],
            description=doc.description,
            severity=doc.severity[:10],
            cvss_v3_vector=doc.cvss_v3_vector[:200],
            cvss_v3_score=doc.cvss_v3_score,
            cvss_v4_vector=doc.cvss_v4_vector[:300],
            cvss_v4_score=doc.cvss_v4_score,
            cwe_ids=list(doc.cwe_ids),
            workarounds=doc.workarounds,
            references=[{"url": r.url, "type": r.type} for r in doc.references],
            third_party=True,
            created_by=actor,
        )
        stored: dict[tuple[Any, Any], AdvisoryProduct] = {}
        for product, component, line_id in matched:
            stored[(component.pk, line_id)] = AdvisoryProduct(
                advisory=advisory,
                component=component,
                release_line_id=line_id,
                status=product.status,
                justification=product.justification or "",
                affected_versions=product.affected_versions[:200],
                introduced_version=product.introduced_version[:64],
                fixed_version=product.fixed_version[:64],
                impact=product.impact,
            )
        AdvisoryProduct.objects.bulk_create(stored.values())
        Credit.objects.bulk_create(
            Credit(advisory=advisory, name=c.name[:150], type=c.type, consent=CreditConsent.NOT_NEEDED)
            for c in doc.credits
        )
        Revision.objects.create(
            advisory=advisory, number=1, summary=f"Imported from {doc.identifier}", date=clock.now()
        )
        record(
            action=AuditAction.ADVISORY_DRAFTED,
            actor=actor,
            target=advisory,
            data={"identifier": advisory.identifier, "source": doc.identifier, "products": len(stored)},
        )
    labels = [f"{c.name} ({p.release_line})" if line_id else c.name for p, c, line_id in matched]
    return ImportResult(advisory=advisory, matched=labels, unmatched=sorted(set(unmatched)))
