"""Forms of one issue's page. They parse input; the selectors read and the services decide and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.issues.models import (
    Answer,
    Area,
    BackportStatus,
    CloseReason,
    CommentVisibility,
    Exposure,
    IssueLabel,
    IssueStatus,
    Layer,
    Scope,
    SecurityIssue,
    SecurityLevel,
)
from garrison.issues.selectors import labels_all, levels_assignable, who_can_see
from garrison.issues.services import IncomingFile
from garrison.issues.services.triage import TRANSITIONS
from garrison.org.models import Component, ReleaseLine
from garrison.org.selectors import components_visible_to, release_lines_visible_to

_TEXTAREA = forms.Textarea(attrs={"rows": 4})


class ServiceForm(forms.Form):
    """A form whose data goes to a service; the service's field errors come back onto the form."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class IssueEditForm(ServiceForm):
    """The fields ``issue_update`` changes."""

    TEXT_FIELDS = (
        "title",
        "description",
        "steps_to_reproduce",
        "impact",
        "affected_versions",
        "exposure_links",
        "credit_name",
    )

    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    steps_to_reproduce = forms.CharField(required=False, widget=_TEXTAREA, label="Steps to reproduce")
    impact = forms.CharField(required=False, widget=_TEXTAREA)
    affected_versions = forms.CharField(required=False, max_length=500, label="Affected versions")
    component: forms.ModelChoiceField[Component] = forms.ModelChoiceField(
        queryset=Component.objects.none(),
        required=False,
        empty_label="— none —",
        help_text="The responsible team follows the component.",
    )
    owner = _UserChoice(queryset=None, required=False, empty_label="— nobody —", help_text="Someone who can see it.")
    due_on = forms.DateField(required=False, label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    exposure = forms.ChoiceField(choices=Exposure.choices, required=False)
    exposure_links = forms.CharField(required=False, widget=_TEXTAREA, label="Exposure links", help_text="One a line.")
    credit_name = forms.CharField(required=False, max_length=150, label="Credit name")
    labels: forms.ModelMultipleChoiceField[IssueLabel] = forms.ModelMultipleChoiceField(
        queryset=IssueLabel.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, issue: SecurityIssue, actor: Any, **kwargs: Any) -> None:
        if not args and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(issue, name) for name in self.TEXT_FIELDS},
                "component": issue.component_id,
                "owner": issue.owner_id,
                "due_on": issue.due_on,
                "exposure": issue.exposure,
                "labels": [label.pk for label in issue.labels.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components_visible_to(actor=actor)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = who_can_see(issue)  # type: ignore[attr-defined]
        self.fields["labels"].queryset = labels_all()  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {name: data[name] for name in self.TEXT_FIELDS}
        out.update(
            component=data["component"],
            owner=data["owner"],
            due_on=data["due_on"],
            exposure=data["exposure"],
            labels=list(data["labels"]),
        )
        return out


# CVSS v3.1 base metrics, in vector order: (abbreviation, name, values).
CVSS31_METRICS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("AV", "Attack Vector", (("N", "Network"), ("A", "Adjacent"), ("L", "Local"), ("P", "Physical"))),
    ("AC", "Attack Complexity", (("L", "Low"), ("H", "High"))),
    ("PR", "Privileges Required", (("N", "None"), ("L", "Low"), ("H", "High"))),
    ("UI", "User Interaction", (("N", "None"), ("R", "Required"))),
    ("S", "Scope", (("U", "Unchanged"), ("C", "Changed"))),
    ("C", "Confidentiality", (("H", "High"), ("L", "Low"), ("N", "None"))),
    ("I", "Integrity", (("H", "High"), ("L", "Low"), ("N", "None"))),
    ("A", "Availability", (("H", "High"), ("L", "Low"), ("N", "None"))),
)
_V3_PART = re.compile(r"^([A-Z]+):([A-Z])$")


def metrics_of(vector: str) -> dict[str, str]:
    """The v3.x base metric values of a stored vector (empty for v4.0 or no vector), to preselect the menus."""
    if not vector.startswith(("CVSS:3.1/", "CVSS:3.0/")):
        return {}
    known = {abbr for abbr, _, _ in CVSS31_METRICS}
    out = {}
    for part in vector.split("/")[1:]:
        match = _V3_PART.match(part)
        if match and match.group(1) in known:
            out[f"m_{match.group(1)}"] = match.group(2)
    return out


class CvssForm(ServiceForm):
    """A typed vector (v3.0, v3.1 or v4.0), or the v3.1 metric menus from which the server builds one."""

    cvss_vector = forms.CharField(
        required=False, max_length=200, label="CVSS vector", help_text="Type a vector, or choose the v3.1 metrics."
    )
    clear = forms.BooleanField(required=False, label="Remove the score")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for abbr, name, values in CVSS31_METRICS:
            self.fields[f"m_{abbr}"] = forms.ChoiceField(
                choices=[("", "—"), *values], required=False, label=f"{name} ({abbr})"
            )

    @property
    def metric_fields(self) -> list[Any]:
        return [self[f"m_{abbr}"] for abbr, _, _ in CVSS31_METRICS]

    def vector(self) -> str:
        """The vector to score: the typed one, else one composed from the menus. Raises ValidationError naming
        the metric still to choose."""
        data = self.cleaned_data
        typed = data.get("cvss_vector", "").strip()
        if typed:
            return typed
        chosen = {abbr: data.get(f"m_{abbr}", "") for abbr, _, _ in CVSS31_METRICS}
        if not any(chosen.values()):
            raise ValidationError({"cvss_vector": "Type a CVSS vector or choose the v3.1 metrics."})
        missing = [f"{name} ({abbr})" for abbr, name, _ in CVSS31_METRICS if not chosen[abbr]]
        if missing:
            raise ValidationError({"cvss_vector": "Choose a value for " + ", ".join(missing) + "."})
        return "CVSS:3.1/" + "/".join(f"{abbr}:{value}" for abbr, value in chosen.items())


_SEC = re.compile(r"^(?:SEC-)?(\d{1,9})$", re.IGNORECASE)


class TransitionForm(ServiceForm):
    """Only the moves allowed from the current state are offered; the service has the last word."""

    to = forms.CharField(label="Move to", widget=forms.Select)
    reason = forms.ChoiceField(
        choices=[("", "— for closing —"), *CloseReason.choices], required=False, label="Close reason"
    )
    duplicate_of = forms.CharField(
        required=False, max_length=20, label="Duplicate of", help_text="The issue number, e.g. SEC-12."
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args: Any, issue: SecurityIssue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        moves = [s for s in TRANSITIONS.get(issue.status, ()) if s != IssueStatus.DISCLOSED]
        self.fields["to"].widget.choices = [(s, IssueStatus(s).label) for s in moves]
        self.has_moves = bool(moves)

    def clean_duplicate_of(self) -> int | None:
        text = self.cleaned_data["duplicate_of"].strip()
        if not text:
            return None
        match = _SEC.match(text)
        if not match:
            raise ValidationError("Give an issue number such as SEC-12.")
        return int(match.group(1))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == CloseReason.DUPLICATE and not data.get("duplicate_of") and not self.errors:
            self.add_error("duplicate_of", "Name the issue this one duplicates.")
        return data


class LevelForm(ServiceForm):
    level: forms.ModelChoiceField[SecurityLevel] = forms.ModelChoiceField(
        queryset=SecurityLevel.objects.none(), label="Security level"
    )

    def __init__(self, *args: Any, actor: Any, issue: SecurityIssue, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"level": issue.security_level_id})
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels_assignable(actor=actor)  # type: ignore[attr-defined]


class PublicForm(ServiceForm):
    state = forms.ChoiceField(
        choices=[("public", "Public (no embargo)"), ("embargoed", "Embargoed (its security level decides)")],
        label="Embargo",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Recorded in the history.")

    def __init__(self, *args: Any, issue: SecurityIssue, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"state": "embargoed" if issue.is_public else "public"})
        super().__init__(*args, **kwargs)


CHECKLIST_CHOICES: dict[str, Any] = {
    "scope": Scope,
    "layer": Layer,
    "area": Area,
    "personal_data": Answer,
    "privilege_escalation": Answer,
    "workaround_available": Answer,
}


class ChecklistForm(ServiceForm):
    scope = forms.ChoiceField(choices=Scope.choices, required=False, label="One application or the whole system?")
    layer = forms.ChoiceField(choices=Layer.choices, required=False, label="Frontend or backend?")
    area = forms.ChoiceField(choices=Area.choices, required=False, label="Hosting or the software?")
    personal_data = forms.ChoiceField(choices=Answer.choices, required=False, label="Personal data exposed?")
    privilege_escalation = forms.ChoiceField(
        choices=Answer.choices, required=False, label="Privilege escalation possible?"
    )
    workaround_available = forms.ChoiceField(choices=Answer.choices, required=False, label="Workaround available?")
    workaround = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, issue: SecurityIssue, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(issue, name) for name in (*CHECKLIST_CHOICES, "workaround")})
        super().__init__(*args, **kwargs)

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in CHECKLIST_CHOICES}


class _MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern); cleans to a list of uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultipleFiles)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class CommentForm(ServiceForm):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Comment")
    visibility = forms.ChoiceField(choices=[(CommentVisibility.INTERNAL, CommentVisibility.INTERNAL.label)])
    attachments = MultipleFileField(required=False, label="Files")

    def __init__(self, *args: Any, actor: Any, issue: SecurityIssue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can(actor, Permission.ISSUE_TRIAGE, issue):
            self.fields["visibility"].choices = CommentVisibility.choices  # type: ignore[attr-defined]

    def clean_attachments(self) -> list[IncomingFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        limit = settings.GARRISON_ATTACHMENT_MAX_BYTES
        incoming = []
        for upload in uploads:
            size = upload.size or 0
            if size > limit:  # refuse before reading it into memory
                raise ValidationError(f"{upload.name} is {size:,} bytes; the limit is {limit:,} bytes.")
            incoming.append(IncomingFile(upload.name or "", upload.content_type or "", upload.read()))
        return incoming


class BackportCellForm(ServiceForm):
    status = forms.ChoiceField(choices=BackportStatus.choices)
    fixed_version = forms.CharField(required=False, max_length=64, label="Fixed in")
    fix_links = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Fix links", help_text="http(s), one a line."
    )
    workaround = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this line may stay unknown or affected when the issue is fixed.",
    )


class BackportAddForm(ServiceForm):
    component: forms.ModelChoiceField[Component] = forms.ModelChoiceField(queryset=Component.objects.none())
    release_line: forms.ModelChoiceField[ReleaseLine] = forms.ModelChoiceField(
        queryset=ReleaseLine.objects.none(),
        required=False,
        empty_label="— every supported line —",
        label="Release line",
    )

    def __init__(self, *args: Any, actor: Any, issue: SecurityIssue, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"component": issue.component_id})
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components_visible_to(actor=actor)  # type: ignore[attr-defined]
        self.fields["release_line"].queryset = release_lines_visible_to(actor=actor)  # type: ignore[attr-defined]
