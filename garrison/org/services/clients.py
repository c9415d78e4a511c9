"""Clients: the installations that run our components, and the people we notify there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from garrison.access.classification import require_assignable
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import require
from garrison.audit import services as audit
from garrison.audit.actions import AuditAction
from garrison.core import clock
from garrison.org.models import Client, ClientContact, Component
from garrison.org.selectors import components_visible_to
from garrison.org.services.changes import apply_changes, audit_data, check_label_change, created_data, locked

CLIENT_FIELDS = frozenset({"name", "description", "classification"})


@dataclass(frozen=True)
class ContactData:
    email: str
    name: str = ""
    role: str = ""


def _check_components(components: Sequence[Component], *, actor: Any) -> set[Any]:
    wanted = {c.pk for c in components}
    visible = set(components_visible_to(actor=actor).filter(pk__in=wanted).values_list("pk", flat=True))
    if visible != wanted:
        raise ValidationError({"components": "Choose only components you are allowed to see."})
    return wanted


def _set_components(client: Client, components: Sequence[Component], *, actor: Any) -> dict[str, list[Any]]:
    wanted = _check_components(components, actor=actor)
    current = set(client.components.values_list("pk", flat=True))
    added, removed = wanted - current, current - wanted
    if removed:
        Client.components.through.objects.filter(client=client, component_id__in=removed).delete()
    if added:
        client.components.add(*[c for c in components if c.pk in added])
    return {"components_added": sorted(map(str, added)), "components_removed": sorted(map(str, removed))}


def _validated_contacts(client: Client, contacts: Sequence[ContactData]) -> dict[str, ClientContact]:
    rows: dict[str, ClientContact] = {}
    for number, data in enumerate(contacts, start=1):
        email = data.email.strip().lower()
        if email in rows:
            raise ValidationError({"contacts": f"contact {number}: {email} is listed twice."})
        row = ClientContact(client=client, email=email, name=data.name.strip(), role=data.role.strip())
        try:
            row.full_clean(exclude=["client"], validate_constraints=False)
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise ValidationError({"contacts": f"contact {number}: {problems}"}) from None
        rows[email] = row
    return rows


def _set_contacts(client: Client, contacts: Sequence[ContactData]) -> dict[str, int]:
    """Replace the contact list, matching existing contacts by email. Emails stay out of the audit data."""
    wanted = _validated_contacts(client, contacts)
    existing = {c.email: c for c in client.contacts.all()}
    removed = [c.pk for email, c in existing.items() if email not in wanted]
    ClientContact.objects.filter(pk__in=removed).delete()
    ClientContact.objects.bulk_create([row for email, row in wanted.items() if email not in existing])
    changed = []
    for email, row in wanted.items():
        old = existing.get(email)
        if old is not None and (old.name, old.role) != (row.name, row.role):
            old.name, old.role, old.updated_at = row.name, row.role, clock.now()
            changed.append(old)
    ClientContact.objects.bulk_update(changed, ["name", "role", "updated_at"])
    added = len(wanted) - (len(existing) - len(removed))
    return {"contacts_added": added, "contacts_removed": len(removed), "contacts_changed": len(changed)}


@transaction.atomic
def client_create(
    *,
    name: str,
    description: str = "",
    classification: ClassificationLabel | None = None,
    components: Sequence[Component] = (),
    contacts: Sequence[ContactData] = (),
    actor: Any,
) -> Client:
    require(actor, Permission.CLIENT_EDIT)
    if classification is not None:
        require_assignable(actor, classification)
    client = Client(name=name, description=description, classification=classification)
    client.full_clean()
    client.save()
    extra = {**_set_components(client, components, actor=actor), **_set_contacts(client, contacts)}
    audit.record(
        action=AuditAction.CLIENT_CREATED,
        actor=actor,
        target=client,
        data=created_data(client, CLIENT_FIELDS, **extra),
    )
    return client


@transaction.atomic
def client_update(
    *,
    client: Client,
    changes: Mapping[str, Any],
    components: Sequence[Component] | None = None,
    contacts: Sequence[ContactData] | None = None,
    actor: Any,
) -> Client:
    """Change fields; ``components`` and ``contacts``, when given, replace the current lists."""
    client = locked(client)
    require(actor, Permission.CLIENT_EDIT, client)
    check_label_change(client, changes, actor=actor)
    changed = apply_changes(client, changes, allowed=CLIENT_FIELDS)
    if changed:
        client.full_clean()
        client.save()
    extra: dict[str, Any] = {}
    if components is not None:
        extra.update(_set_components(client, components, actor=actor))
    if contacts is not None:
        extra.update(_set_contacts(client, contacts))
    names = set(changed)
    if extra.get("components_added") or extra.get("components_removed"):
        names.add("components")
    if extra.get("contacts_added") or extra.get("contacts_removed") or extra.get("contacts_changed"):
        names.add("contacts")
    if not names:
        return client
    data = audit_data(changed, **extra)
    data["fields"] = sorted(names)
    audit.record(action=AuditAction.CLIENT_UPDATED, actor=actor, target=client, data=data)
    return client
