"""Release lines and their releases."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.classification import require_assignable
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.org.models import Release, ReleaseLine, ReleaseLineStatus
from garrison.org.services.changes import apply_changes, audit_data, check_label_change, created_data, locked

RELEASE_LINE_FIELDS = frozenset({"name", "description", "status", "support_ends_on", "classification"})
RELEASE_FIELDS = frozenset({"version", "released_on", "notes"})


@transaction.atomic
def release_line_create(
    *,
    name: str,
    description: str = "",
    status: str = ReleaseLineStatus.SUPPORTED,
    support_ends_on: date | None = None,
    classification: ClassificationLabel | None = None,
    actor: Any,
) -> ReleaseLine:
    require(actor, Permission.RELEASE_EDIT)
    if classification is not None:
        require_assignable(actor, classification)
    line = ReleaseLine(
        name=name,
        description=description,
        status=status,
        support_ends_on=support_ends_on,
        classification=classification,
    )
    line.full_clean()
    line.save()
    audit.record(
        action=AuditAction.RELEASE_LINE_CREATED,
        actor=actor,
        target=line,
        data=created_data(line, RELEASE_LINE_FIELDS),
    )
    return line


@transaction.atomic
def release_line_update(*, release_line: ReleaseLine, changes: Mapping[str, Any], actor: Any) -> ReleaseLine:
    line = locked(release_line)
    require(actor, Permission.RELEASE_EDIT, line)
    check_label_change(line, changes, actor=actor)
    changed = apply_changes(line, changes, allowed=RELEASE_LINE_FIELDS)
    if not changed:
        return line
    line.full_clean()
    line.save()
    audit.record(action=AuditAction.RELEASE_LINE_UPDATED, actor=actor, target=line, data=audit_data(changed))
    return line


def _check_version_free(release: Release) -> None:
    taken = Release.objects.filter(release_line_id=release.release_line_id, version=release.version)
    if taken.exclude(pk=release.pk).exists():
        raise ValidationError({"version": f"{release.release_line.name} already has a release {release.version}."})


@transaction.atomic
def release_create(
    *,
    release_line: ReleaseLine,
    version: str,
    released_on: date | None = None,
    notes: str = "",
    actor: Any,
) -> Release:
    """Add a release to a line. Who may see the line may see its releases; the line's label covers them."""
    require(actor, Permission.RELEASE_EDIT, release_line)
    release = Release(release_line=release_line, version=version.strip(), released_on=released_on, notes=notes)
    _check_version_free(release)
    release.full_clean()
    release.save()
    audit.record(
        action=AuditAction.RELEASE_CREATED,
        actor=actor,
        target=release,
        data=created_data(release, RELEASE_FIELDS, release_line_id=release_line.pk),
    )
    return release


@transaction.atomic
def release_update(*, release: Release, changes: Mapping[str, Any], actor: Any) -> Release:
    release = locked(release)
    require(actor, Permission.RELEASE_EDIT, release.release_line)
    if isinstance(changes.get("version"), str):
        changes = {**changes, "version": changes["version"].strip()}
    changed = apply_changes(release, changes, allowed=RELEASE_FIELDS)
    if not changed:
        return release
    _check_version_free(release)
    release.full_clean()
    release.save()
    audit.record(
        action=AuditAction.RELEASE_UPDATED,
        actor=actor,
        target=release,
        data=audit_data(changed, release_line_id=release.release_line_id),
    )
    return release
