"""Set-up shared by the issue page tests (test_detail_*.py): issues made through the services, as a reporter would."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from garrison.issues import services
from garrison.issues.models import Channel, SecurityIssue, SecurityLevel

TEAM_LEVEL = "Security + component team"
V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def report(personas: Any, *, component: str = "core_api", **kw: Any) -> SecurityIssue:
    """A reported issue on ``component`` at the most restrictive level (security team only)."""
    data: dict[str, Any] = {
        "title": "SQL injection in search",
        "description": "The q parameter is concatenated into SQL.",
        "component_id": personas.world[component].pk,
        "reporter_name": "Rita Reporter",
        "reporter_email": "rita@example.net",
    }
    data.update(kw)
    return services.issue_intake(report=services.ReportData(**data), channel=Channel.FORM).issue


def team_issue(personas: Any, *, component: str = "core_api", **kw: Any) -> SecurityIssue:
    """A reported issue the component's team may see (level "Security + component team")."""
    issue = report(personas, component=component, **kw)
    level = SecurityLevel.objects.get(name=TEAM_LEVEL)
    return services.issue_set_level(actor=personas.security_lead, issue=issue, level=level)


def public_issue(personas: Any, *, component: str = "core_api", **kw: Any) -> SecurityIssue:
    issue = report(personas, component=component, **kw)
    return services.issue_set_public(actor=personas.security_lead, issue=issue, public=True, reason="upstream CVE")


def url(name: str, issue: SecurityIssue, *args: Any) -> str:
    return reverse(f"issues:{name}", args=[issue.pk, *args])


def fresh(issue: SecurityIssue) -> SecurityIssue:
    return SecurityIssue.objects.get(pk=issue.pk)
