"""Forms of the issue list (filters, saved filters), filing an issue, and labels. They parse input; selectors read,
services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.accounts.models import User
from garrison.core.forms import ServiceForm
from garrison.issues.models import Exposure, IssueLabel, IssueSeverity, IssueStatus, Priority, SecurityLevel
from garrison.issues.selectors import IssueFilter, labels_all, levels_visible_to
from garrison.issues.selectors_listing import owners_of_visible
from garrison.issues.services import IncomingFile, ReportData
from garrison.org.models import Component, Team
from garrison.org.selectors import components_visible_to, teams_visible_to

_ANY = [("", "Any")]
OPEN_CHOICES = [("open", "Open only"), ("all", "Every status")]


class IssueFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Title or SEC-123"}),
    )
    status = forms.ChoiceField(choices=_ANY + IssueStatus.choices, required=False)
    show = forms.ChoiceField(choices=OPEN_CHOICES, required=False, label="Show")
    severity = forms.ChoiceField(choices=_ANY + IssueSeverity.choices, required=False)
    priority = forms.ChoiceField(choices=_ANY + Priority.choices, required=False)
    level = forms.ModelChoiceField(queryset=SecurityLevel.objects.none(), required=False, empty_label="Any")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="Any")
    component = forms.ModelChoiceField(queryset=Component.objects.none(), required=False, empty_label="Any")
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Anyone")
    mine = forms.BooleanField(required=False, label="Mine")
    label = forms.ModelChoiceField(
        queryset=IssueLabel.objects.none(), required=False, empty_label="Any", to_field_name="name"
    )
    overdue = forms.BooleanField(required=False, label="Overdue")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        fields: Any = self.fields
        if can(actor, Permission.LEVEL_VIEW):
            fields["level"].queryset = levels_visible_to(actor=actor).select_related(None).prefetch_related(None)
        else:  # without LEVEL_VIEW: no level filter (the column still names each visible issue's level)
            del fields["level"]
        fields["team"].queryset = teams_visible_to(actor=actor).prefetch_related(None)
        fields["component"].queryset = components_visible_to(actor=actor)
        fields["owner"].queryset = owners_of_visible(actor=actor)
        fields["owner"].label_from_instance = lambda user: user.display_name
        fields["label"].queryset = labels_all()

    def criteria(self) -> IssueFilter:
        """The selector's filters; an invalid form (errors shown) filters on nothing but "open"."""
        data = self.cleaned_data if self.is_valid() else {}
        owner = self.actor if data.get("mine") else data.get("owner")
        label = data.get("label")
        return IssueFilter(
            text=data.get("q", ""),
            status=data.get("status", ""),
            open_only=data.get("show", "") != "all",
            severity=data.get("severity", ""),
            priority=data.get("priority", ""),
            level=data.get("level"),
            team=data.get("team"),
            component=data.get("component"),
            owner=owner,
            label=label.name if label else "",
            overdue=bool(data.get("overdue")),
        )


class SavedFilterForm(ServiceForm):
    name = forms.CharField(max_length=80, label="Save these filters as")
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks their count and sizes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class IssueCreateForm(ServiceForm):
    """A report filed by staff: the report form's fields, without the reporter's contact details."""

    title = forms.CharField(max_length=200, help_text="A short summary.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    component = forms.ModelChoiceField(queryset=Component.objects.none(), required=False, empty_label="— unknown —")
    component_text = forms.CharField(
        max_length=200, required=False, label="Component (free text)", help_text="If it is not in the list."
    )
    affected_versions = forms.CharField(max_length=500, required=False)
    steps_to_reproduce = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    impact = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cvss_vector = forms.CharField(max_length=200, required=False, label="CVSS vector", help_text="v3.x or v4.0.")
    exposure = forms.ChoiceField(choices=Exposure.choices, required=False)
    exposure_links = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Public links")
    credit_name = forms.CharField(max_length=150, required=False, label="Credit", help_text="Name to credit, if any.")
    attachments = MultipleFileField(required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components_visible_to(actor=actor)  # type: ignore[attr-defined]

    def report(self) -> ReportData:
        data = self.cleaned_data
        component = data.get("component")
        files = [
            IncomingFile(f.name or "attachment", f.content_type or "application/octet-stream", f.read())
            for f in data.get("attachments") or []
        ]
        return ReportData(
            title=data["title"],
            description=data["description"],
            component_id=component.pk if component else None,
            component_text=data.get("component_text", ""),
            affected_versions=data.get("affected_versions", ""),
            steps_to_reproduce=data.get("steps_to_reproduce", ""),
            impact=data.get("impact", ""),
            cvss_vector=data.get("cvss_vector", ""),
            exposure=data.get("exposure", ""),
            exposure_links=data.get("exposure_links", ""),
            credit_name=data.get("credit_name", ""),
            attachments=files,
        )


class LabelForm(ServiceForm):
    name = forms.CharField(max_length=60, help_text="Letters, digits and dashes, e.g. security-preparedness.")
    description = forms.CharField(max_length=200, required=False)
