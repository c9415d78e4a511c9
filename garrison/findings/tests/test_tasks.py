"""Queued imports (scan_enqueue -> scan_import_task -> scan_run) and the expiry task, on the immediate backend."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from garrison.access.errors import AccessDenied
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.findings.models import DecisionState, Finding, Scan, ScanStatus, TriageDecision
from garrison.findings.services import scan_enqueue, scan_run
from garrison.findings.tasks import decisions_expire_task
from garrison.findings.tests.handmade import dep, handmade_format, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(handmade_format.__name__)]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("report.jsonl", data, content_type="application/octet-stream")


def enqueue(personas: Any, data: bytes, actor: Any = None) -> Scan:
    return scan_enqueue(
        upload=upload(data),
        component=personas.world["core_api"],
        release_line=None,
        fmt="handmade",
        actor=actor or personas.triager,
    )


def test_an_upload_is_stored_and_queued_until_the_commit(personas, media):
    scan = enqueue(personas, report([dep(1)]).getvalue())

    assert scan.status == ScanStatus.QUEUED
    assert (media / scan.upload.name).is_file()
    assert Finding.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.SCAN_QUEUED).count() == 1


def test_the_worker_imports_the_upload_and_deletes_the_file(personas, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scan = enqueue(personas, report([dep(1), dep(2)]).getvalue())

    scan.refresh_from_db()
    assert (scan.status, scan.new, scan.format, scan.upload.name) == (ScanStatus.DONE, 2, "handmade", "")
    assert list(media.rglob("*.report")) == []
    assert Finding.objects.filter(last_seen_scan=scan).count() == 2
    assert AuditEvent.objects.get(action=AuditAction.SCAN_IMPORTED).actor_id == personas.triager.pk


def test_a_bad_upload_fails_with_the_parse_error_and_imports_nothing(
    personas, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scan = enqueue(personas, report([dep(1)], tail=b"{broken").getvalue())

    scan.refresh_from_db()
    assert (scan.status, scan.error) == (ScanStatus.FAILED, "handmade: not valid JSON at line 2")
    assert Finding.objects.count() == 0
    assert list(media.rglob("*.report")) == []


def test_an_uploader_who_lost_the_right_to_import_fails_the_scan(personas):
    scan = enqueue(personas, report([dep(1)]).getvalue(), actor=personas.developer)
    personas.developer.is_active = False
    personas.developer.save()

    scan_run(scan=scan)

    scan.refresh_from_db()
    assert scan.status == ScanStatus.FAILED
    assert Finding.objects.count() == 0


def test_enqueue_is_refused_for_another_teams_component(personas):
    with pytest.raises(AccessDenied):
        scan_enqueue(
            upload=upload(b"{}"),
            component=personas.world["billing"],
            release_line=None,
            actor=personas.developer,
        )

    assert Scan.objects.count() == 0


def test_a_scan_that_is_not_queued_is_left_alone(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scan = enqueue(personas, report([dep(1)]).getvalue())

    again = scan_run(scan=scan)

    assert (again.status, Scan.objects.get().new) == (ScanStatus.DONE, 1)


def test_the_expiry_task_reopens_expired_risk_acceptances(personas):
    decision = TriageDecision.objects.create(
        component=personas.world["core_api"],
        key="dep:CVE-2024-1|pkg:pypi/x",
        state=DecisionState.RISK_ACCEPTED,
        reason="r",
        decided_by=personas.security_lead,
        approved_by=personas.security_lead,
        expires_at=clock.now() - timedelta(minutes=1),
    )

    result = decisions_expire_task.enqueue()

    decision.refresh_from_db()
    assert (result.return_value, decision.state) == (1, DecisionState.AFFECTED)
