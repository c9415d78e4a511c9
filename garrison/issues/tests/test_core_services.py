"""The core contract of security issues: intake, visibility by security level, states, scoring, backports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from garrison.audit.models import AuditEvent
from garrison.core.crypto import open_bytes
from garrison.issues import services
from garrison.issues.models import Channel, IssueStatus, SecurityIssue, SecurityLevel
from garrison.issues.selectors import (
    get_issue_for,
    issue_for_tracking_token,
    issues_visible_to,
    most_restrictive_level,
    who_can_see,
)
from garrison.org.models import ReleaseLine

pytestmark = pytest.mark.django_db


def _report(personas, **kw):
    data = {
        "title": "SQL injection in search",
        "description": "The q parameter is concatenated into SQL.",
        "component_id": personas.world["core_api"].pk,
        "reporter_name": "Rita Reporter",
        "reporter_email": "rita@example.net",
    }
    data.update(kw)
    return services.ReportData(**data)


def test_intake_stores_one_issue_at_the_most_restrictive_level_with_sealed_contact(personas):
    result = services.issue_intake(
        report=_report(personas, attachments=[services.IncomingFile("poc.py", "text/x-python", b"print('boom')")]),
        channel=Channel.FORM,
    )
    issue = result.issue
    assert issue.number == 1 and issue.status == IssueStatus.NEW
    assert issue.security_level == most_restrictive_level()
    assert issue.responsible_team == personas.world["platform"]  # from the component
    assert "rita" not in issue.reporter_email_sealed and services.reporter_contact(issue) == (
        "Rita Reporter",
        "rita@example.net",
    )
    assert issue_for_tracking_token(result.tracking_token) == issue
    assert issue.tracking_token_hash != result.tracking_token
    att = issue.attachments.get()
    assert b"boom" not in bytes(att.sealed)
    assert open_bytes(att.key_id, att.sealed, associated_data=f"issue.attachment:{att.pk}") == b"print('boom')"
    assert AuditEvent.objects.filter(action="issues.reported", target_id=str(issue.pk)).exists()
    assert issue.ack_due_at is not None and issue.ack_due_at > issue.created_at


def test_intake_refuses_bad_input_and_stores_nothing(personas):
    with pytest.raises(ValidationError) as exc:
        services.issue_intake(
            report=_report(personas, title=" ", cvss_vector="CVSS:3.1/AV:X/AC:L", reporter_email="nope"),
            channel=Channel.API,
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"title", "cvss_vector", "reporter_email"}
    assert "AV" in errors["cvss_vector"][0]
    assert not SecurityIssue.objects.exists()


def test_security_level_decides_who_sees_the_issue(personas):
    issue = services.issue_intake(report=_report(personas), channel=Channel.FORM).issue
    dev, lead, admin, auditor = personas.developer, personas.security_lead, personas.admin, personas.auditor
    assert list(issues_visible_to(actor=lead)) == [issue]
    for outsider in (dev, admin, auditor, personas.reporter, personas.outsider, None):
        assert not issues_visible_to(actor=outsider).exists()
    with pytest.raises(Http404):
        get_issue_for(actor=dev, pk=issue.pk)
    team_level = SecurityLevel.objects.get(name="Security + component team")
    issue = services.issue_set_level(actor=lead, issue=issue, level=team_level)
    dev.__dict__.pop("_garrison_level_access", None)
    assert list(issues_visible_to(actor=dev)) == [issue]  # the developer is in the responsible team
    assert set(who_can_see(issue)) == {personas.developer, personas.security_lead, personas.triager}


def test_states_move_explicitly_and_fixed_needs_every_supported_line_decided(personas):
    lead = personas.security_lead
    line = ReleaseLine.objects.create(name="Ramsons")
    issue = services.issue_intake(report=_report(personas), channel=Channel.FORM).issue
    with pytest.raises(ValidationError, match="cannot become"):
        services.issue_transition(actor=lead, issue=issue, to=IssueStatus.FIXED)
    issue = services.issue_transition(actor=lead, issue=issue, to=IssueStatus.TRIAGE)
    assert issue.acknowledged_at is not None
    issue = services.issue_transition(actor=lead, issue=issue, to=IssueStatus.CONFIRMED)
    cell = issue.backports.get(release_line=line)
    with pytest.raises(ValidationError, match="Ramsons"):
        services.issue_transition(actor=lead, issue=issue, to=IssueStatus.FIXED)
    services.backport_set(
        actor=lead, issue=issue, component=cell.component, release_line=line, status="fixed", fixed_version="1.2.3"
    )
    with pytest.raises(ValidationError, match="Quesnelia"):
        services.issue_transition(actor=lead, issue=issue, to=IssueStatus.FIXED)
    quesnelia = personas.world["quesnelia"]
    services.backport_set(
        actor=lead,
        issue=issue,
        component=cell.component,
        release_line=quesnelia,
        status="affected",
        decision="no backport: end of support next week",
    )
    issue = services.issue_transition(actor=lead, issue=issue, to=IssueStatus.FIXED)
    assert issue.fixed_at is not None
    with pytest.raises(ValidationError, match="cannot become"):
        services.issue_transition(actor=lead, issue=issue, to=IssueStatus.CLOSED)
    other = services.issue_intake(report=_report(personas), channel=Channel.FORM).issue
    with pytest.raises(ValidationError, match="reason"):
        services.issue_transition(actor=lead, issue=other, to=IssueStatus.CLOSED)


def test_scoring_sets_severity_priority_and_fix_due(personas):
    lead = personas.security_lead
    issue = services.issue_intake(report=_report(personas), channel=Channel.FORM).issue
    issue = services.issue_score(actor=lead, issue=issue, vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert (str(issue.cvss_score), issue.severity, issue.priority) == ("9.8", "critical", "p1")
    assert issue.fix_due_at is not None and (issue.fix_due_at - issue.created_at).days == 7
    with pytest.raises(ValidationError) as exc:
        services.issue_score(
            actor=lead, issue=issue, vector="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:Q/SC:N/SI:N/SA:N"
        )
    assert "VA:Q" in exc.value.message_dict["cvss_vector"][0]
