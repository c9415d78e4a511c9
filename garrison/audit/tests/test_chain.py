"""The hash chain: record() builds it, verification finds tampering, the database refuses changes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from garrison.audit.actions import AuditAction
from garrison.audit.chain import GENESIS, compute_hash
from garrison.audit.exports import event_record
from garrison.audit.models import AuditChainHead, AuditEvent
from garrison.audit.selectors import chain_break, chain_report
from garrison.audit.tests.conftest import add_event, add_events, raw_sql, triggers_dropped

pytestmark = pytest.mark.django_db


def test_record_builds_a_linked_chain_from_genesis():
    events = add_events(3)

    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash


def test_each_hash_covers_the_event_fields():
    event = add_event(AuditAction.TEAM_CREATED, data={"name": "Platform"}, actor_label="cli")
    stored = AuditEvent.objects.get(seq=event.seq)

    fields = event_record(stored)
    digest = fields.pop("hash")

    assert compute_hash(fields) == digest == stored.hash


def test_record_moves_the_head_to_the_last_event():
    events = add_events(2)

    head = AuditChainHead.objects.get(pk=1)

    assert (head.last_seq, head.last_hash) == (2, events[1].hash)


def test_intact_chain_verifies():
    add_events(4)

    report = chain_report()

    assert (report.ok, report.checked, report.broken) == (True, 4, None)


def test_verify_finds_a_changed_row():
    add_events(3)
    with triggers_dropped():
        raw_sql("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["accounts.sign_in", 2])

    broken = chain_break()

    assert broken is not None
    assert (broken.seq, broken.reason) == (2, "content does not match its hash (the row was changed)")


def test_verify_finds_a_deleted_middle_row():
    add_events(3)
    with triggers_dropped():
        raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [2])

    broken = chain_break()

    assert broken is not None
    assert (broken.seq, broken.reason) == (2, "event #2 is missing (next present is #3)")


def test_verify_finds_deleted_last_rows():
    add_events(4)
    with triggers_dropped():
        raw_sql("DELETE FROM audit_auditevent WHERE seq >= %s", [3])

    broken = chain_break()

    assert broken is not None
    assert broken.seq == 3
    assert broken.reason == "chain ends at #2 but the head records #4 (events removed at the end)"


def test_verify_finds_a_rehashed_row_that_no_longer_links():
    add_events(3)
    with triggers_dropped():
        raw_sql("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, 2])

    broken = chain_break()

    assert broken is not None
    assert broken.seq == 2


def test_triggers_refuse_orm_update():
    add_event()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="accounts.sign_in")

    assert AuditEvent.objects.get(seq=1).action == AuditAction.TEAM_CREATED


def test_triggers_refuse_orm_save_of_a_changed_event():
    event = add_event()
    event.data = {"changed": True}

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()

    assert AuditEvent.objects.get(seq=1).data == {}


def test_triggers_refuse_orm_delete():
    add_event()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()

    assert AuditEvent.objects.filter(seq=1).exists()


def test_triggers_refuse_raw_update():
    add_event()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql("UPDATE audit_auditevent SET actor_label = %s WHERE seq = %s", ["someone else", 1])

    assert AuditEvent.objects.get(seq=1).actor_label == ""


def test_triggers_refuse_raw_delete():
    add_event()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql("DELETE FROM audit_auditevent")

    assert AuditEvent.objects.count() == 1
