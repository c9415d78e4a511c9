"""Suppression rules: create, revoke, and the matching the import applies (the same rule in SQL and in Python)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock
from garrison.findings.models import Finding, Suppression
from garrison.org.models import Component, ReleaseLine


def glob_regex(pattern: str) -> str:
    """A glob (``*``, ``?``, ``[abc]``, ``[!abc]``) as an anchored regular expression that Python, PostgreSQL and
    Django's SQLite REGEXP read the same way. ``*`` also crosses ``/``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        end = pattern.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif end != -1:
            body = pattern[i + 1 : end]
            body = "^" + body[1:] if body.startswith("!") else body
            # "[" escaped too: PostgreSQL would read "[:", "[." and "[=" as POSIX classes, Python as a literal
            out.append("[" + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "^" + "".join(out) + "$"


@dataclass(frozen=True)
class Rule:
    """A suppression ready to match parsed findings in Python (loaded once per import)."""

    pk: Any
    vulnerability_id: str
    purl: re.Pattern[str] | None
    path: re.Pattern[str] | None
    rule_id: str

    @classmethod
    def of(cls, s: Suppression) -> Rule:
        return cls(
            pk=s.pk,
            vulnerability_id=s.vulnerability_id.strip().upper(),
            purl=re.compile(glob_regex(s.purl_pattern), re.IGNORECASE) if s.purl_pattern else None,
            path=re.compile(glob_regex(s.path_glob), re.IGNORECASE) if s.path_glob else None,
            rule_id=s.rule_id.strip(),
        )

    def matches(self, *, ids: frozenset[str], package_key: str, file_path: str, rule_id: str) -> bool:
        """``ids``: the finding's vulnerability id and aliases, upper-cased."""
        return (
            (not self.vulnerability_id or self.vulnerability_id in ids)
            and (self.purl is None or self.purl.match(package_key) is not None)
            and (self.path is None or self.path.match(file_path) is not None)
            and (not self.rule_id or self.rule_id == rule_id)
        )


def _scope_q(component: Component | None, release_line: ReleaseLine | None, prefix: str = "") -> Q:
    """Suppressions that apply to a target (component, release line)."""
    q = Q(**{f"{prefix}component__isnull": True})
    if component is not None:
        q |= Q(**{f"{prefix}component": component})
    rl = Q(**{f"{prefix}release_line__isnull": True})
    if release_line is not None:
        rl |= Q(**{f"{prefix}release_line": release_line})
    return q & rl


def rules_for_target(*, component: Component, release_line: ReleaseLine | None, now: datetime) -> list[Rule]:
    """The active, unexpired suppressions that apply to one target, oldest first (the first match wins)."""
    qs = (
        Suppression.objects.filter(_scope_q(component, release_line), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("created_at")
    )
    return [Rule.of(s) for s in qs]


def findings_matching(suppression: Suppression) -> QuerySet[Finding]:
    """The findings a rule covers, as one SQL filter (what `Rule.matches` decides in Python)."""
    qs = Finding.objects.all()
    if suppression.component_id is not None:
        qs = qs.filter(component_id=suppression.component_id)
    if suppression.release_line_id is not None:
        qs = qs.filter(release_line_id=suppression.release_line_id)
    vid = suppression.vulnerability_id.strip()
    if vid:
        # aliases is a JSON list of strings: a quoted, case-insensitive match finds exactly one element.
        qs = qs.filter(Q(vulnerability_id__iexact=vid) | Q(aliases__icontains=f'"{vid}"'))
    if suppression.purl_pattern:
        qs = qs.filter(package_key__iregex=glob_regex(suppression.purl_pattern))
    if suppression.path_glob:
        qs = qs.filter(file_path__iregex=glob_regex(suppression.path_glob))
    if suppression.rule_id.strip():
        qs = qs.filter(rule_id=suppression.rule_id.strip())
    return qs


def _validate(s: Suppression) -> None:
    if not (s.vulnerability_id.strip() or s.purl_pattern.strip() or s.path_glob.strip() or s.rule_id.strip()):
        raise ValidationError(
            {"vulnerability_id": "Name at least one of vulnerability id, package URL pattern, path glob or rule id."}
        )
    if not s.reason.strip():
        raise ValidationError({"reason": "Say why these findings are suppressed."})
    if s.expires_at is not None and timezone.is_naive(s.expires_at):
        raise ValidationError({"expires_at": "Give the expiry with its time zone, e.g. 2026-12-01T00:00:00Z."})
    if s.expires_at is not None and s.expires_at <= clock.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    for field, pattern in (("purl_pattern", s.purl_pattern), ("path_glob", s.path_glob)):
        try:
            re.compile(glob_regex(pattern))
        except re.error:
            raise ValidationError({field: f"{pattern!r} is not a valid glob."}) from None
    s.full_clean()


def _hidden_components_exist(actor: Any) -> bool:
    from garrison.org.selectors import components_visible_to

    return Component.objects.exclude(pk__in=components_visible_to(actor=actor).order_by().values("pk")).exists()


@transaction.atomic
def suppression_create(
    *,
    vulnerability_id: str = "",
    purl_pattern: str = "",
    path_glob: str = "",
    rule_id: str = "",
    component: Component | None = None,
    release_line: ReleaseLine | None = None,
    reason: str,
    expires_at: datetime | None = None,
    actor: Any,
) -> Suppression:
    """Create a rule and apply it at once to every existing finding it matches (one UPDATE). The actor approves
    it: SUPPRESSION_MANAGE is the approval (on the component, when the rule is scoped to one)."""
    require(actor, Permission.SUPPRESSION_MANAGE, component)
    suppression = Suppression(
        vulnerability_id=vulnerability_id.strip(),
        purl_pattern=purl_pattern.strip(),
        path_glob=path_glob.strip(),
        rule_id=rule_id.strip(),
        component=component,
        release_line=release_line,
        reason=reason.strip(),
        expires_at=expires_at,
        created_by=actor,
        approved_by=actor,
    )
    _validate(suppression)
    if component is None and _hidden_components_exist(actor):
        raise ValidationError(
            {
                "component": "Some components are hidden from you by their classification: a rule for everything "
                "would also suppress their findings. Scope the rule to a component you can see."
            }
        )
    suppression.save()
    applied = findings_matching(suppression).filter(suppressed_by__isnull=True).update(suppressed_by=suppression)
    audit.record(
        action=AuditAction.SUPPRESSION_CREATED,
        actor=actor,
        target=suppression,
        data={
            "vulnerability_id": suppression.vulnerability_id,
            "purl_pattern": suppression.purl_pattern,
            "path_glob": suppression.path_glob,
            "rule_id": suppression.rule_id,
            "component": str(component.pk) if component else None,
            "release_line": str(release_line.pk) if release_line else None,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "findings": applied,
        },
    )
    return suppression


@transaction.atomic
def suppression_revoke(*, suppression: Suppression, actor: Any) -> Suppression:
    """Stop a rule: the findings it suppressed are shown again at once (one UPDATE)."""
    suppression = Suppression.objects.select_for_update().get(pk=suppression.pk)
    require(actor, Permission.SUPPRESSION_MANAGE, suppression.component)
    if suppression.revoked_at is not None:
        raise ValidationError({"suppression": "This suppression is already revoked."})
    suppression.revoked_at = clock.now()
    suppression.save(update_fields=["revoked_at", "updated_at"])
    released = Finding.objects.filter(suppressed_by=suppression).update(suppressed_by=None)
    audit.record(action=AuditAction.SUPPRESSION_REVOKED, actor=actor, target=suppression, data={"findings": released})
    return suppression
