"""Shared set-up of the disclosure tests: a security issue fixed on a release line, and an advisory made ready."""

from __future__ import annotations

from typing import Any

from garrison.access.roles import Role
from garrison.accounts.models import User
from garrison.core.tests.personas import make_user
from garrison.issues import services as issue_services
from garrison.issues.models import Channel

XSS_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"


def fixed_issue(
    personas: Any,
    *,
    title: str,
    description: str = "Link titles are not escaped.",
    credit_name: str = "",
    vector: str = XSS_VECTOR,
) -> Any:
    """A confirmed, scored core-api issue (package pkg:pypi/garrison-core-api) fixed in 1.4.2 on Quesnelia."""
    core = personas.world["core_api"]
    core.package_url = "pkg:pypi/garrison-core-api"
    core.save()
    lead = personas.security_lead
    report = issue_services.ReportData(
        title=title, description=description, component_id=core.pk, credit_name=credit_name
    )
    issue = issue_services.issue_intake(report=report, channel=Channel.FORM).issue
    issue = issue_services.issue_score(actor=lead, issue=issue, vector=vector)
    issue = issue_services.issue_transition(actor=lead, issue=issue, to="triage")
    issue = issue_services.issue_transition(actor=lead, issue=issue, to="confirmed")
    issue_services.backport_set(
        actor=lead,
        issue=issue,
        component=core,
        release_line=personas.world["quesnelia"],
        status="fixed",
        fixed_version="1.4.2",
    )
    return issue


def second_lead() -> User:
    """Another security lead, to approve what the personas' lead drafted."""
    return User.objects.filter(email="lead2@example.org").first() or make_user("lead2@example.org", Role.SECURITY_LEAD)


def make_ready(advisory: Any) -> Any:
    """Accept the pending credits and have a second lead approve: publishable."""
    from garrison.disclosure import services
    from garrison.disclosure.models import CreditConsent

    advisory.credits.update(consent=CreditConsent.ACCEPTED)
    return services.advisory_approve(actor=second_lead(), advisory=advisory)
