"""Who is on duty (shifts, positions, overrides, hand-overs), paging, escalation and acknowledgement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from garrison.access.errors import AccessDenied
from garrison.access.roles import Role
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.core.tests.personas import make_user
from garrison.notify import services
from garrison.notify.models import OnCallShift, Page
from garrison.notify.scheduler import run_due

T0 = datetime(2031, 3, 3, 0, 0, tzinfo=UTC)


def _shift(actor, user, start_h, end_h, position=0):
    return services.shift_create(
        actor=actor,
        user=user,
        starts_at=T0 + timedelta(hours=start_h),
        ends_at=T0 + timedelta(hours=end_h),
        position=position,
    )


def test_on_duty_orders_by_position_and_hands_over_at_the_boundary(personas):
    lead, triager, dev = personas.security_lead, personas.triager, personas.developer
    _shift(lead, triager, 0, 8)
    _shift(lead, dev, 8, 16)
    _shift(lead, lead, 0, 16, position=1)

    assert services.on_duty(T0 + timedelta(hours=7, minutes=59)) == [triager, lead]
    assert services.on_duty(T0 + timedelta(hours=8)) == [dev, lead]  # the end is excluded: hand-over
    assert services.on_duty(T0 + timedelta(hours=16)) == []


def test_override_replaces_the_primary_and_keeps_the_backups(personas):
    lead, triager, dev = personas.security_lead, personas.triager, personas.developer
    _shift(lead, triager, 0, 24)
    _shift(lead, lead, 0, 24, position=1)
    services.override_create(
        actor=lead, user=dev, starts_at=T0 + timedelta(hours=10), ends_at=T0 + timedelta(hours=12), reason="swap"
    )

    assert services.on_duty(T0 + timedelta(hours=9)) == [triager, lead]
    assert services.on_duty(T0 + timedelta(hours=10)) == [dev, lead]
    assert services.on_duty(T0 + timedelta(hours=12)) == [triager, lead]


def test_inactive_users_are_not_on_duty(personas):
    _shift(personas.security_lead, personas.triager, 0, 8)
    personas.triager.is_active = False
    personas.triager.save()
    assert services.on_duty(T0 + timedelta(hours=1)) == []


def test_rota_writes_need_oncall_manage_and_are_audited(personas):
    with pytest.raises(AccessDenied):
        _shift(personas.triager, personas.triager, 0, 8)
    with pytest.raises(ValidationError) as exc:
        _shift(personas.security_lead, personas.triager, 8, 8)
    assert "ends_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _shift(personas.security_lead, personas.outsider, 0, 8)
    assert "user" in exc.value.message_dict
    shift = _shift(personas.security_lead, personas.triager, 0, 8)
    services.shift_delete(actor=personas.security_lead, shift=shift)
    assert not OnCallShift.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="notify.oncall").order_by("seq").values_list("action", flat=True)
    ) == [
        "notify.oncall_shift_created",
        "notify.oncall_shift_deleted",
    ]


@pytest.fixture
def rota(personas):
    """Now: the triager is on duty first, the developer second."""
    now = clock.now()
    for user, position in ((personas.triager, 0), (personas.developer, 1)):
        services.shift_create(
            actor=personas.security_lead,
            user=user,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=8),
            position=position,
        )
    return personas


def _run(capture, now):
    with capture(execute=True):
        return run_due(now)


def test_top_priority_pages_the_person_on_duty(rota, file_report, settings):
    issue = file_report(exploited=True).issue

    page = Page.objects.get()
    assert (page.issue, page.user, page.level, page.escalated) == (issue, rota.triager, 0, False)
    assert page.escalate_at == page.sent_at + timedelta(minutes=settings.GARRISON_PAGE_ACK_MINUTES)
    paged = [m for m in mail.outbox if "PAGE" in m.subject]
    assert [m.to for m in paged] == [["triager@example.org"]]
    assert f"{settings.BASE_URL}/notify/pages/{page.pk}/ack" in paged[0].body
    assert AuditEvent.objects.filter(action="notify.page_sent", target_id=str(page.pk)).exists()


def test_unacknowledged_page_escalates_down_the_chain_then_to_the_leads(
    rota, file_report, django_capture_on_commit_callbacks, settings
):
    issue = file_report(exploited=True).issue
    first = Page.objects.get()
    assert first.escalate_at is not None
    early = first.escalate_at - timedelta(seconds=1)
    assert _run(django_capture_on_commit_callbacks, early).escalated == 0

    assert _run(django_capture_on_commit_callbacks, first.escalate_at).escalated == 1
    second = Page.objects.get(level=1)
    assert second.user == rota.developer
    first.refresh_from_db()
    assert first.escalated and first.escalate_at is None

    _run(django_capture_on_commit_callbacks, second.escalate_at)
    third = Page.objects.get(level=2)
    assert third.user == rota.security_lead
    _run(django_capture_on_commit_callbacks, third.escalate_at)  # nobody left: stops, no loop
    assert Page.objects.filter(issue=issue).count() == 3
    assert [m.to[0] for m in mail.outbox if "PAGE" in m.subject] == [
        "triager@example.org",
        "dev@example.org",
        "lead@example.org",
    ]


def test_acknowledgement_stops_the_escalation(rota, file_report, django_capture_on_commit_callbacks):
    file_report(exploited=True)
    page = Page.objects.get()
    services.page_acknowledge(actor=rota.triager, page=page)
    page.refresh_from_db()
    assert page.acknowledged_by == rota.triager and page.escalate_at is None
    assert _run(django_capture_on_commit_callbacks, clock.now() + timedelta(hours=2)).escalated == 0
    assert Page.objects.count() == 1
    assert AuditEvent.objects.filter(action="notify.page_acknowledged").count() == 1
    with pytest.raises(ValidationError):
        services.page_acknowledge(actor=rota.security_lead, page=page)


def test_a_late_acknowledgement_of_the_first_page_stops_the_escalated_one(
    rota, file_report, django_capture_on_commit_callbacks
):
    """The person first paged answers after their page escalated: the next person's page escalates no further."""
    file_report(exploited=True)
    first = Page.objects.get()
    assert _run(django_capture_on_commit_callbacks, first.escalate_at).escalated == 1
    second = Page.objects.get(level=1)
    assert second.escalate_at is not None

    services.page_acknowledge(actor=rota.triager, page=first)

    second.refresh_from_db()
    assert second.escalate_at is None and second.acknowledged_at is None
    assert _run(django_capture_on_commit_callbacks, clock.now() + timedelta(days=1)).escalated == 0
    assert not Page.objects.filter(level=2).exists()


def test_only_the_paged_person_or_a_lead_acknowledges(rota, file_report):
    file_report(exploited=True)
    page = Page.objects.get()
    for actor in (rota.developer, rota.admin, rota.outsider):
        with pytest.raises(AccessDenied):
            services.page_acknowledge(actor=actor, page=page)
    services.page_acknowledge(actor=rota.security_lead, page=page)


def test_nobody_on_duty_pages_a_security_lead(personas, file_report):
    second_lead = make_user("lead2@example.org", Role.SECURITY_LEAD)
    file_report(exploited=True)
    assert Page.objects.get().user in {personas.security_lead, second_lead}


def test_a_second_top_priority_signal_does_not_page_twice(rota, file_report):
    issue = file_report(exploited=True).issue
    assert services.page_issue(issue_id=issue.pk) is None
    assert Page.objects.count() == 1
