"""The daily overdue digest: once a day, per-recipient visibility, keys and links only, bounded queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from garrison.core import clock
from garrison.issues.models import SecurityIssue
from garrison.notify.models import Delivery, SchedulerState
from garrison.notify.scheduler import run_due
from garrison.notify.services import digest_send
from garrison.notify.tests.conftest import EMBARGOED


def _overdue(*issues):
    SecurityIssue.objects.filter(pk__in=[i.pk for i in issues]).update(ack_due_at=datetime(2020, 1, 1, tzinfo=UTC))


def _team_level_issue(personas, file_report, component):
    from garrison.issues.models import SecurityLevel
    from garrison.issues.services import issue_set_level

    issue = file_report(email="", component=component).issue
    level = SecurityLevel.objects.get(name="Security + component team")
    return issue_set_level(actor=personas.security_lead, issue=issue, level=level)


def test_digest_goes_once_a_day_even_when_run_twice(
    personas, file_report, django_capture_on_commit_callbacks, settings
):
    settings.GARRISON_DIGEST_HOUR_UTC = 7
    _overdue(file_report(email="").issue)
    mail.outbox.clear()
    day = datetime(2031, 3, 3, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due(day.replace(hour=6, minute=59)).digests is None  # not yet
        assert run_due(day.replace(hour=7)).digests == 2
        assert run_due(day.replace(hour=7, minute=30)).digests is None
        assert run_due(day.replace(hour=23)).digests is None
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "triager@example.org"]
    assert SchedulerState.objects.get().last_digest_on == day.date()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due(day.replace(hour=7) + timedelta(days=1)).digests == 2
    assert len(mail.outbox) == 4


def test_each_recipient_gets_only_issues_they_may_see(personas, file_report):
    mine = _team_level_issue(personas, file_report, personas.world["core_api"])
    billing = _team_level_issue(personas, file_report, personas.world["billing"])
    secret = file_report(email="").issue  # security team only
    _overdue(mine, billing, secret)
    now = datetime(2031, 3, 3, 8, tzinfo=UTC)

    digest_send(now=now)
    bodies = {d.recipient: d.body for d in Delivery.objects.filter(subject__startswith="[Garrison] Overdue")}
    assert set(bodies) == {"dev@example.org", "lead@example.org", "triager@example.org"}
    dev = bodies["dev@example.org"]
    assert mine.key in dev and f"/issues/{mine.pk}/" in dev
    assert billing.key not in dev and secret.key not in dev
    for key in (mine.key, billing.key, secret.key):
        assert key in bodies["lead@example.org"]
    for body in bodies.values():
        for text in EMBARGOED:
            assert text not in body


def test_digest_queries_do_not_grow_with_the_number_of_issues(personas, file_report):
    _overdue(file_report(email="").issue)
    now = datetime(2031, 3, 3, 8, tzinfo=UTC)
    with CaptureQueriesContext(connection) as few:
        digest_send(now=now)
    _overdue(*[file_report(email="").issue for _ in range(6)])
    with CaptureQueriesContext(connection) as many:
        digest_send(now=now)
    assert len(many) == len(few)
    assert "SEC-7" in Delivery.objects.filter(recipient="lead@example.org").order_by("-created_at")[0].body


def test_nothing_overdue_sends_nothing(personas, file_report):
    file_report(email="")  # its SLA clocks run days ahead
    assert digest_send(now=clock.now()) == 0
    assert not Delivery.objects.filter(subject__startswith="[Garrison] Overdue").exists()
