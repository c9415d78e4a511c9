"""Triage decisions: set one (for every finding of the component with the same decision key), expire risk
acceptances, the pages' bulk actions, and the decisions a report's own VEX statements make."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from garrison.access.permissions import Permission
from garrison.access.policy import can, is_signed_in, require
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock
from garrison.disclosure.status import FROM_CYCLONEDX_JUSTIFICATION, FROM_CYCLONEDX_STATE, ProductStatus
from garrison.findings.importers.base import VexAnalysis
from garrison.findings.models import DecisionState, Finding, Justification, Kind, Scan, TriageDecision
from garrison.findings.services.suppressions import suppression_create
from garrison.org.models import Component

BULK_ACTIONS = ("suppress", "accept_risk", "false_positive")


def _check_expiry(expires_at: datetime | None, now: datetime) -> None:
    limit = settings.GARRISON_RISK_ACCEPT_MAX_DAYS
    if expires_at is None:
        raise ValidationError({"expires_at": f"A risk acceptance needs an expiry, at most {limit} days from now."})
    if timezone.is_naive(expires_at):
        raise ValidationError({"expires_at": "Give the expiry with its time zone, e.g. 2026-12-01T00:00:00Z."})
    if expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires_at > now + timedelta(days=limit):
        raise ValidationError({"expires_at": f"A risk may be accepted for at most {limit} days at a time."})


def _check(state: str, reason: str, justification: str) -> None:
    if state not in DecisionState.values:
        raise ValidationError({"state": f"must be one of {', '.join(DecisionState.values)} (got {state!r})"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why: the next person to see this finding will read it."})
    if state == DecisionState.NOT_AFFECTED and justification not in Justification.values:
        raise ValidationError({"justification": "Not affected needs a justification: choose the one that applies."})
    if justification and state != DecisionState.NOT_AFFECTED:
        raise ValidationError({"justification": "A justification goes only with not affected."})


def _approver(state: str, component: Component, actor: Any, approved_by: Any) -> Any:
    """Only someone who may accept risks approves one, and they do it themselves."""
    if state != DecisionState.RISK_ACCEPTED:
        return None
    if not can(actor, Permission.RISK_ACCEPT, component):
        raise ValidationError(
            {
                "state": "Accepting a risk needs the approval of someone who may accept risks (a security lead): "
                "ask one to record this decision."
            }
        )
    if approved_by is not None and approved_by.pk != actor.pk:
        raise ValidationError({"approved_by": "The approver of a risk acceptance records it themselves."})
    return actor


@transaction.atomic
def decision_set(
    *,
    finding: Finding,
    state: str,
    reason: str,
    justification: str = "",
    actor: Any,
    expires_at: datetime | None = None,
    approved_by: Any = None,
) -> TriageDecision:
    """Decide about a finding in its component: the decision covers every finding of the component with the same
    decision key (every version, release line and future scan). Risk acceptance needs RISK_ACCEPT and an expiry
    within GARRISON_RISK_ACCEPT_MAX_DAYS; not affected needs a justification."""
    component = Component.objects.get(pk=finding.component_id)
    require(actor, Permission.FINDING_TRIAGE, component)
    _check(state, reason, justification)
    now = clock.now()
    if state == DecisionState.RISK_ACCEPTED:
        _check_expiry(expires_at, now)
    approver = _approver(state, component, actor, approved_by)
    decision = TriageDecision.objects.select_for_update().filter(
        component=component, key=finding.decision_key
    ).first() or TriageDecision(component=component, key=finding.decision_key)
    before = decision.state or None
    decision.state = state
    decision.justification = justification
    decision.reason = reason.strip()
    decision.decided_by = actor
    decision.approved_by = approver
    decision.expires_at = expires_at if state == DecisionState.RISK_ACCEPTED else None
    decision.expired_at = None
    decision.save()
    covered = Finding.objects.filter(component=component, decision_key=decision.key).update(decision=decision)
    audit.record(
        action=AuditAction.DECISION_SET,
        actor=actor,
        target=decision,
        data={
            "component": str(component.pk),
            "key": decision.key,
            "from": before,
            "to": state,
            "justification": justification,
            "expires_at": decision.expires_at.isoformat() if decision.expires_at else None,
            "findings": covered,
        },
    )
    return decision


def _findings_link(component: Component) -> str:
    try:
        path = reverse("findings:finding_list")
    except NoReverseMatch:
        path = "/findings/"
    return f"{settings.BASE_URL}{path}?component={component.pk}"


def _notify_expired(decisions: list[TriageDecision]) -> None:
    for d in decisions:
        send_mail(
            subject=f"A risk acceptance in {d.component.name} has expired",
            message=(
                f"A risk you accepted in component {d.component.name} has reached its expiry date and is open "
                f"again (state: affected). Sign in to decide again:\n\n{_findings_link(d.component)}\n"
            ),
            from_email=None,
            recipient_list=[d.decided_by.email],
            fail_silently=True,
        )


@transaction.atomic
def decisions_expire(*, now: datetime) -> int:
    """Worker: risk acceptances past their expiry go back to affected, each audited (no actor), and whoever
    decided is told by email after the commit (the component's name and a link, nothing more)."""
    expired = list(
        TriageDecision.objects.select_for_update()
        .filter(state=DecisionState.RISK_ACCEPTED, expires_at__lte=now, expired_at__isnull=True)
        .select_related("component", "decided_by")
    )
    if not expired:
        return 0
    TriageDecision.objects.filter(pk__in=[d.pk for d in expired]).update(
        state=DecisionState.AFFECTED, expired_at=now, updated_at=now
    )
    for d in expired:
        audit.record(
            action=AuditAction.DECISION_EXPIRED,
            actor=None,
            actor_label="worker",
            target=d,
            data={
                "component": str(d.component_id),
                "key": d.key,
                "expires_at": d.expires_at.isoformat() if d.expires_at else None,
            },
        )
    transaction.on_commit(lambda: _notify_expired(expired))
    return len(expired)


def _bulk_decide(findings: QuerySet[Finding], state: str, reason: str, actor: Any, expires_at: Any) -> int:
    """One decision per (component, decision key) among the findings: one upsert and one UPDATE in all."""
    pairs = set(findings.order_by().values_list("component_id", "decision_key").distinct())
    components = Component.objects.in_bulk({c for c, _ in pairs})
    for component in components.values():
        require(actor, Permission.FINDING_TRIAGE, component)
        _approver(state, component, actor, None)
    now = clock.now()
    TriageDecision.objects.bulk_create(
        [
            TriageDecision(
                component_id=c,
                key=k,
                state=state,
                reason=reason,
                decided_by=actor,
                expires_at=expires_at,
                approved_by=actor if state == DecisionState.RISK_ACCEPTED else None,
                updated_at=now,
            )
            for c, k in pairs
        ],
        update_conflicts=True,
        unique_fields=["component", "key"],
        update_fields=[
            "state",
            "justification",
            "reason",
            "decided_by",
            "approved_by",
            "expires_at",
            "expired_at",
            "updated_at",
        ],
    )
    keys_by_component: dict[Any, set[str]] = {}
    for c, k in pairs:
        keys_by_component.setdefault(c, set()).add(k)
    # One UPDATE per component (few), each limited to the chosen keys: no other (component, key) pair is touched.
    return sum(_link(c, keys) for c, keys in keys_by_component.items())


def _link(component_id: Any, keys: set[str] | list[str]) -> int:
    """Point the component's findings with these decision keys at the component's decision for their key."""
    decision = TriageDecision.objects.filter(component_id=OuterRef("component_id"), key=OuterRef("decision_key"))
    return Finding.objects.filter(component_id=component_id, decision_key__in=keys).update(
        decision=Subquery(decision.values("pk")[:1])
    )


def _glob_escape(value: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in value)


def _bulk_suppress(findings: QuerySet[Finding], reason: str, actor: Any) -> int:
    """One suppression rule per distinct identity among the findings, scoped to its component."""
    rows = (
        findings.order_by()
        .values_list("component_id", "kind", "vulnerability_id", "package_key", "rule_id", "file_path")
        .distinct()
    )
    components = Component.objects.in_bulk({r[0] for r in rows})
    for component_id, kind, vid, pkg, rule, path in rows:
        suppression_create(
            vulnerability_id=vid if kind in (Kind.DEPENDENCY, Kind.OTHER) else "",
            purl_pattern=_glob_escape(pkg),
            rule_id=rule if not vid or kind not in (Kind.DEPENDENCY, Kind.OTHER) else "",
            path_glob=_glob_escape(path) if kind in (Kind.CODE, Kind.SECRET) else "",
            component=components[component_id],
            reason=reason,
            actor=actor,
        )
    return findings.order_by().filter(suppressed_by__isnull=False).count()


@transaction.atomic
def findings_bulk_action(
    *, findings: QuerySet[Finding], action: str, reason: str, actor: Any, expires_at: datetime | None = None
) -> int:
    """suppress / accept_risk / false_positive the findings (a query set already scoped by a selector), with a
    reason. A risk accepted without an expiry runs for GARRISON_RISK_ACCEPT_MAX_DAYS. Returns findings changed."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": f"must be one of {', '.join(BULK_ACTIONS)} (got {action!r})"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why: it is kept with every finding this changes."})
    require(actor, Permission.SUPPRESSION_MANAGE if action == "suppress" else Permission.FINDING_TRIAGE)
    ids = list(findings.order_by().values_list("pk", flat=True))
    chosen = Finding.objects.filter(pk__in=ids)
    if action == "suppress":
        changed = _bulk_suppress(chosen, reason.strip(), actor)
    elif action == "accept_risk":
        now = clock.now()
        expires_at = expires_at or now + timedelta(days=settings.GARRISON_RISK_ACCEPT_MAX_DAYS)
        _check_expiry(expires_at, now)
        changed = _bulk_decide(chosen, DecisionState.RISK_ACCEPTED, reason.strip(), actor, expires_at)
    else:
        changed = _bulk_decide(chosen, DecisionState.FALSE_POSITIVE, reason.strip(), actor, None)
    audit.record(
        action=AuditAction.FINDINGS_BULK_ACTION,
        actor=actor,
        data={"action": action, "findings": [str(pk) for pk in ids], "changed": changed},
    )
    return changed


VEX_CHUNK = 1000  # decision keys per query when VEX statements are recorded
_VEX_REASON_MAX = 2000
_VEX_WORD_MAX = 100  # a state or justification quoted in the reason (as the report wrote it)
_FROM_PRODUCT_STATUS = {
    ProductStatus.AFFECTED: DecisionState.AFFECTED,
    ProductStatus.UNDER_INVESTIGATION: DecisionState.UNDER_INVESTIGATION,
}


def _vex_decision(vex: VexAnalysis) -> tuple[str, str] | None:
    """(decision state, justification) for a CycloneDX analysis, or None for a state we do not know."""
    state = vex.state.strip().lower()
    if state == "false_positive":  # a CycloneDX state, not a product status: not in disclosure.status
        return DecisionState.FALSE_POSITIVE, ""
    status = FROM_CYCLONEDX_STATE.get(state)
    if status is ProductStatus.FIXED:
        return DecisionState.NOT_AFFECTED, Justification.VULNERABLE_CODE_NOT_PRESENT.value
    if status is ProductStatus.NOT_AFFECTED:
        justification = FROM_CYCLONEDX_JUSTIFICATION.get(vex.justification.strip().lower())
        if justification is None:
            return DecisionState.UNDER_INVESTIGATION, ""
        return DecisionState.NOT_AFFECTED, justification.value
    return None if status is None else (_FROM_PRODUCT_STATUS[status], "")


def _shorten(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "\u2026"


def _vex_reason(scan: Scan, vex: VexAnalysis) -> str:
    words = ", ".join(_shorten(w, _VEX_WORD_MAX) for w in (vex.state, vex.justification) if w.strip())
    head = f"VEX statement in {_shorten(scan.file_name or scan.format or 'the report', 255)} ({words})"
    detail = " ".join(vex.detail.split())
    return _shorten(f"{head}: {detail}" if detail else head, _VEX_REASON_MAX)


def _chunks(keys: list[str]) -> list[list[str]]:
    return [keys[i : i + VEX_CHUNK] for i in range(0, len(keys), VEX_CHUNK)]


def _undecided(component_id: Any, keys: list[str]) -> list[str]:
    """The keys that have no decision in the component yet, in the order given (one query per chunk)."""
    taken: set[str] = set()
    for chunk in _chunks(keys):
        found = TriageDecision.objects.filter(component_id=component_id, key__in=chunk).values_list("key", flat=True)
        taken.update(found)
    return [key for key in keys if key not in taken]


def decisions_from_vex(*, scan: Scan, statements: dict[str, VexAnalysis], actor: Any) -> int:
    """Record the VEX statements of an imported report as triage decisions of the scan's component.

    ``statements`` maps a finding's decision key to what the report's VEX says about it. Called by the import,
    inside its transaction, after the findings. Returns how many decisions were recorded.

    CycloneDX states and justifications are read through ``garrison.disclosure.status`` (FROM_CYCLONEDX_*), then:
    exploitable -> affected; in_triage -> under_investigation; false_positive -> false_positive; not_affected with
    a justification we know -> not_affected with its CSAF/OpenVEX counterpart; resolved and resolved_with_pedigree
    -> not_affected + vulnerable_code_not_present (the scanner sees a vulnerable version whose vulnerable code the
    report says is fixed; the reason says "resolved"). A not_affected without a justification, or with one we do
    not know, is recorded as under_investigation: no justification is invented, and the finding stays open until
    a person confirms it (the report's words are in the reason). Other states are ignored.

    A (component, key) that already has a decision (a person's, or an earlier report's VEX) keeps it. Nothing is
    recorded unless the actor is a signed-in user who may triage the component (the statements then stay only in
    the findings' descriptions). Every finding of the component with a recorded key is linked to its decision.
    A fixed number of queries per VEX_CHUNK keys, and one DECISION_SET audit event on the scan when anything was
    recorded (``states`` counts the decision states recorded).
    """
    if not statements or not is_signed_in(actor) or not can(actor, Permission.FINDING_TRIAGE, scan.component):
        return 0
    wanted = {key: (vex, decided) for key, vex in statements.items() if (decided := _vex_decision(vex)) is not None}
    new: list[TriageDecision] = []
    for key in _undecided(scan.component_id, sorted(wanted)):
        vex, (state, justification) = wanted[key]
        reason = _vex_reason(scan, vex)
        _check(state, reason, justification)
        new.append(
            TriageDecision(
                component_id=scan.component_id,
                key=key,
                state=state,
                justification=justification,
                reason=reason,
                decided_by=actor,
            )
        )
    if new:
        _record_vex(scan, new, actor)
    return len(new)


@transaction.atomic  # here, not on decisions_from_vex: an import without VEX statements costs no query at all
def _record_vex(scan: Scan, new: list[TriageDecision], actor: Any) -> None:
    # ignore_conflicts: someone deciding one of these keys since _undecided keeps their decision.
    TriageDecision.objects.bulk_create(new, batch_size=VEX_CHUNK, ignore_conflicts=True)
    for chunk in _chunks([d.key for d in new]):
        _link(scan.component_id, chunk)
    states: dict[str, int] = {}
    for d in new:
        states[str(d.state)] = states.get(str(d.state), 0) + 1
    audit.record(
        action=AuditAction.DECISION_SET,
        actor=actor,
        target=scan,
        data={"source": "vex", "component": str(scan.component_id), "decisions": len(new), "states": states},
    )
