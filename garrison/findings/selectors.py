"""Every read of findings, already narrowed to what the actor may see.

Findings, scans, decisions and inventory belong to a component: they are visible when the actor holds FINDING_VIEW
and may see the component (garrison.org.selectors.components_visible_to, which applies labels) and, when the row
has one, its release line (whose label applies too). Suppressions scoped to everything are visible to anyone
holding FINDING_VIEW.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery, UUIDField, When
from django.db.models.functions import Coalesce
from django.http import Http404

from garrison.access.classification import visible_q
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.findings.models import Finding, FindingState, Scan, ScanStatus, Suppression, TriageDecision
from garrison.org.selectors import components_visible_to


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _visible_components(actor: Any) -> QuerySet[Any]:
    return components_visible_to(actor=actor).order_by().values("pk")


def _line_visible(actor: Any) -> Q:
    """No release line, or one whose label the actor may see: a labelled line's name and its rows stay hidden."""
    return visible_q(actor, "release_line__classification")


def findings_visible_to(
    *,
    actor: Any,
    component: Any = None,
    release_line: Any = None,
    severity: str = "",
    state: str = "",
    tool: str = "",
    vulnerability_id: str = "",
    package: str = "",
) -> QuerySet[Finding]:
    """Findings of the components the actor may see, newest first, optionally filtered. ``component`` and
    ``release_line`` take an object or its id; ``vulnerability_id`` also matches aliases; ``package`` is a
    case-insensitive substring of the package name or versionless purl."""
    if not can(actor, Permission.FINDING_VIEW):
        return Finding.objects.none()
    qs = Finding.objects.filter(_line_visible(actor), component_id__in=_visible_components(actor)).select_related(
        "component", "release_line", "decision", "suppressed_by"
    )
    if component is not None:
        qs = qs.filter(component_id=_pk(component))
    if release_line is not None:
        qs = qs.filter(release_line_id=_pk(release_line))
    if severity:
        qs = qs.filter(severity=severity)
    if state:
        qs = qs.filter(state=state)
    if tool:
        qs = qs.filter(tools__icontains=json.dumps(tool.strip()))  # the quoted name: one whole element of the list
    if vulnerability_id.strip():
        vid = vulnerability_id.strip()
        qs = qs.filter(Q(vulnerability_id__iexact=vid) | Q(aliases__icontains=f'"{vid}"'))
    if package.strip():
        qs = qs.filter(Q(package_key__icontains=package.strip()) | Q(package_name__icontains=package.strip()))
    return qs


def scans_visible_to(*, actor: Any, component: Any = None, release_line: Any = None) -> QuerySet[Scan]:
    """Scans of the components the actor may see, newest first."""
    if not can(actor, Permission.FINDING_VIEW):
        return Scan.objects.none()
    qs = Scan.objects.filter(_line_visible(actor), component_id__in=_visible_components(actor)).select_related(
        "component", "release_line", "created_by"
    )
    if component is not None:
        qs = qs.filter(component_id=_pk(component))
    if release_line is not None:
        qs = qs.filter(release_line_id=_pk(release_line))
    return qs.order_by("-created_at")


def suppressions_visible_to(*, actor: Any, active_only: bool = False) -> QuerySet[Suppression]:
    """Rules scoped to everything, or to a component the actor may see; newest first."""
    if not can(actor, Permission.FINDING_VIEW):
        return Suppression.objects.none()
    qs = Suppression.objects.filter(
        Q(component__isnull=True) | Q(component_id__in=_visible_components(actor)), _line_visible(actor)
    ).select_related("component", "release_line", "created_by", "approved_by")
    if active_only:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("-created_at")


def decisions_visible_to(*, actor: Any, component: Any = None) -> QuerySet[TriageDecision]:
    """Triage decisions of the components the actor may see, newest first."""
    if not can(actor, Permission.FINDING_VIEW):
        return TriageDecision.objects.none()
    qs = TriageDecision.objects.filter(component_id__in=_visible_components(actor)).select_related(
        "component", "decided_by", "approved_by"
    )
    if component is not None:
        qs = qs.filter(component_id=_pk(component))
    return qs.order_by("-created_at")


# --- narrower reads for the API and pages (all start from the scoped selectors above) ---


def _one(qs: QuerySet[Any], pk: Any) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404("not found")
    return obj


def findings_filtered(
    *,
    actor: Any,
    severities: Iterable[str] = (),
    state: str = "",
    component: Any = None,
    release_line: Any = None,
    tool: str = "",
    vulnerability_id: str = "",
    package: str = "",
    kind: str = "",
    suppressed: bool | None = None,
    decision: str = "",
) -> QuerySet[Finding]:
    """`findings_visible_to` with the list filters: several severities, kind, suppressed or not, decision state."""
    qs = findings_visible_to(
        actor=actor,
        component=component,
        release_line=release_line,
        state=state,
        tool=tool,
        vulnerability_id=vulnerability_id,
        package=package,
    )
    wanted = list(severities)
    if wanted:
        qs = qs.filter(severity__in=wanted)
    if kind:
        qs = qs.filter(kind=kind)
    if suppressed is not None:
        qs = qs.filter(suppressed_by__isnull=not suppressed)
    if decision:
        qs = qs.filter(decision__state=decision)
    return qs


def with_last_seen(qs: QuerySet[Finding]) -> QuerySet[Finding]:
    """Annotate ``seen_scan_id`` and ``seen_at``: the scan that last reported each finding, and when it ran.

    A re-scan by the same format and tools does not rewrite the findings it reports unchanged (ADR 0006), and an
    active finding was reported by every such scan since: its last scan is the newest finished one of its target
    with the format and tools of the scan its row names. A mitigated finding's row names its last scan itself."""
    latest = Scan.objects.filter(
        target_key=OuterRef("target_key"),
        format=OuterRef("last_seen_scan__format"),
        tool=OuterRef("last_seen_scan__tool"),
        status=ScanStatus.DONE,
    ).order_by("-created_at")
    active = Q(state=FindingState.ACTIVE)
    stored_id, stored_at = F("last_seen_scan_id"), F("last_seen_scan__created_at")
    return qs.annotate(
        seen_scan_id=Case(
            When(active, then=Coalesce(Subquery(latest.values("pk")[:1]), stored_id)),
            default=stored_id,
            output_field=UUIDField(),
        ),
        seen_at=Case(
            When(active, then=Coalesce(Subquery(latest.values("created_at")[:1]), stored_at)),
            default=stored_at,
            output_field=DateTimeField(),
        ),
    )


def severity_counts(qs: QuerySet[Finding]) -> dict[str, int]:
    """How many of ``qs`` have each severity: one GROUP BY query."""
    rows = qs.order_by().values("severity").annotate(n=Count("pk"))
    return {row["severity"]: row["n"] for row in rows}


def get_finding_for(*, actor: Any, pk: Any) -> Finding:
    """One finding with its scans and decision; Http404 when it does not exist or is hidden (same answer)."""
    qs = findings_visible_to(actor=actor).select_related(
        "first_seen_scan",
        "mitigated_by_scan",
        "decision__component",
        "decision__decided_by",
        "decision__approved_by",
    )
    return _one(with_last_seen(qs), pk)


def get_scan_for(*, actor: Any, pk: Any) -> Scan:
    return _one(scans_visible_to(actor=actor), pk)


def get_suppression_for(*, actor: Any, pk: Any) -> Suppression:
    return _one(suppressions_visible_to(actor=actor), pk)


def scan_history(*, actor: Any, component: Any, limit: int) -> list[Scan]:
    """The last ``limit`` finished scans of a component, oldest first (for the chart)."""
    qs = scans_visible_to(actor=actor, component=component).filter(status=ScanStatus.DONE)
    return list(reversed(qs.order_by("-created_at", "-id")[:limit]))
