"""Webhook and pager deliveries to a real HTTP server on loopback: payload shapes, back-off, giving up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from garrison.access.errors import AccessDenied
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.issues.models import SecurityIssue
from garrison.notify import services
from garrison.notify.models import Delivery, DeliveryStatus
from garrison.notify.scheduler import run_due
from garrison.notify.tests.conftest import EMBARGOED


def _webhook(recorder, capture, **kw):
    with capture(execute=True):
        d = services.deliver(channel="webhook", recipient=recorder.url + "/hook", payload={"issue": "SEC-1"}, **kw)
    d.refresh_from_db()
    return d


def test_webhook_is_posted_as_json_and_marked_sent(db, http_server, django_capture_on_commit_callbacks):
    d = _webhook(http_server, django_capture_on_commit_callbacks)

    assert [(r.path, r.body) for r in http_server.requests] == [("/hook", {"issue": "SEC-1"})]
    assert http_server.requests[0].headers["Content-Type"] == "application/json"
    assert (d.status, d.attempts, d.last_error, d.next_attempt_at) == (DeliveryStatus.SENT, 1, "", None)
    assert d.sent_at is not None


def test_retry_with_back_off_after_500_then_202(db, http_server, django_capture_on_commit_callbacks):
    http_server.statuses = [500]
    start = clock.now()
    d = _webhook(http_server, django_capture_on_commit_callbacks)
    assert (d.status, d.attempts, d.last_error) == (DeliveryStatus.RETRYING, 1, "HTTP 500")
    assert start + timedelta(minutes=1) <= d.next_attempt_at <= clock.now() + timedelta(minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        report = run_due(clock.now() + timedelta(seconds=30))  # back-off not over yet
    assert report.requeued == 0 and len(http_server.requests) == 1

    with django_capture_on_commit_callbacks(execute=True):
        report = run_due(d.next_attempt_at + timedelta(seconds=1))
    d.refresh_from_db()
    assert report.requeued == 1
    assert len(http_server.requests) == 2
    assert (d.status, d.attempts, d.last_error) == (DeliveryStatus.SENT, 2, "")


def test_back_off_doubles_and_is_capped():
    assert [services.backoff(n).total_seconds() // 60 for n in (1, 2, 3, 4, 5, 8, 20)] == [1, 2, 4, 8, 16, 60, 60]


def test_gives_up_visibly_after_max_attempts(db, http_server, django_capture_on_commit_callbacks, settings):
    settings.GARRISON_DELIVERY_MAX_ATTEMPTS = 3
    http_server.statuses = [500, 503, 500, 500]
    d = _webhook(http_server, django_capture_on_commit_callbacks)
    waits = []
    when = clock.now()
    for _ in range(2):
        d.refresh_from_db()
        assert d.status == DeliveryStatus.RETRYING
        waits.append(d.next_attempt_at - when)
        when = d.next_attempt_at + timedelta(seconds=1)
        with django_capture_on_commit_callbacks(execute=True):
            run_due(when)
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error, d.next_attempt_at) == (DeliveryStatus.FAILED, 3, "HTTP 500", None)
    assert len(http_server.requests) == 3
    assert waits[1] > waits[0]  # 1 minute, then 2
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due(when + timedelta(days=1)).requeued == 0
    assert len(http_server.requests) == 3


def test_unreachable_webhook_fails_with_a_short_reason(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = services.deliver(channel="webhook", recipient="http://127.0.0.1:9/nothing", payload={})
    d.refresh_from_db()
    assert d.status == DeliveryStatus.RETRYING
    assert d.last_error.startswith("connection failed")


def test_a_failed_delivery_never_touches_the_issue(
    personas, http_server, file_report, django_capture_on_commit_callbacks
):
    issue = file_report().issue
    before = SecurityIssue.objects.filter(pk=issue.pk).values().get()
    http_server.statuses = [500]
    _webhook(http_server, django_capture_on_commit_callbacks, issue=issue)
    assert SecurityIssue.objects.filter(pk=issue.pk).values().get() == before


def test_a_duplicate_task_for_the_same_attempt_sends_nothing(db, http_server, django_capture_on_commit_callbacks):
    d = _webhook(http_server, django_capture_on_commit_callbacks)
    assert services.attempt_delivery(delivery_id=d.pk, expected_attempts=0) == "skipped"
    assert len(http_server.requests) == 1


def test_queued_delivery_whose_job_was_lost_is_sent_by_the_scheduler(
    db, http_server, django_capture_on_commit_callbacks
):
    d = services.deliver(channel="webhook", recipient=http_server.url, payload={"n": 1})  # on_commit never runs
    assert http_server.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        run_due(clock.now() + timedelta(minutes=6))
    d.refresh_from_db()
    assert d.status == DeliveryStatus.SENT and len(http_server.requests) == 1


def test_retry_by_a_manager_is_audited_and_sends(personas, http_server, django_capture_on_commit_callbacks, settings):
    settings.GARRISON_DELIVERY_MAX_ATTEMPTS = 1
    http_server.statuses = [500]
    d = _webhook(http_server, django_capture_on_commit_callbacks)
    assert d.status == DeliveryStatus.FAILED
    with pytest.raises(AccessDenied):
        services.delivery_retry(actor=personas.triager, delivery=d)
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_retry(actor=personas.security_lead, delivery=d)
    d.refresh_from_db()
    assert (d.status, d.attempts) == (DeliveryStatus.SENT, 2)
    event = AuditEvent.objects.get(action="notify.delivery_retried")
    assert event.data == {"from": "failed", "attempts": 1, "channel": "webhook"}
    with pytest.raises(ValidationError):
        services.delivery_retry(actor=personas.security_lead, delivery=d)


@pytest.mark.parametrize("kind", ["opsgenie", "pagerduty"])
def test_pager_payload_shapes(personas, http_server, file_report, settings, kind):
    settings.GARRISON_PAGER_KIND = kind
    settings.GARRISON_PAGER_URL = http_server.url + ("/v2/alerts" if kind == "opsgenie" else "/v2/enqueue")
    settings.GARRISON_PAGER_KEY = "pager-secret-key"
    issue = file_report(exploited=True).issue

    assert len(http_server.requests) == 1
    sent = http_server.requests[0]
    body = sent.body
    link = f"{settings.BASE_URL}/issues/{issue.pk}/"
    if kind == "opsgenie":
        assert sent.path == "/v2/alerts"
        assert sent.headers["Authorization"] == "GenieKey pager-secret-key"
        assert body["alias"] == issue.key
        assert body["priority"] == "P1"
        assert body["source"] == "Garrison"
        assert issue.key in body["message"] and len(body["message"]) <= 130
        assert link in body["description"]
        assert body["details"] == {"issue": issue.key, "link": link}
    else:
        assert sent.path == "/v2/enqueue"
        assert "Authorization" not in sent.headers
        assert body["routing_key"] == "pager-secret-key"
        assert body["event_action"] == "trigger"
        assert body["dedup_key"] == issue.key
        assert body["payload"]["severity"] == "critical"
        assert body["payload"]["source"] == "Garrison"
        assert issue.key in body["payload"]["summary"]
        assert body["links"] == [{"href": link, "text": f"{issue.key} in Garrison"}]
    text = str(body)
    for secret in EMBARGOED:
        assert secret not in text
    stored = Delivery.objects.get(channel="page")
    assert stored.status == DeliveryStatus.SENT
    assert "pager-secret-key" not in str(stored.payload)  # the key is added at send time only
