"""Forms of the findings pages. They parse input; the selectors read and the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from garrison.core.forms import ServiceForm
from garrison.findings.importers import REGISTRY
from garrison.findings.models import DecisionState, FindingState, Justification, Kind, Severity
from garrison.org.models import Component, ReleaseLine
from garrison.org.selectors import components_visible_to, release_lines_visible_to

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_YES_NO = [("", "Either"), ("yes", "Yes"), ("no", "No")]


class TargetChoices(ServiceForm):
    """A form with ``component`` and ``release_line`` fields limited to what the actor may see."""

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if "component" in self.fields:
            self.fields["component"].queryset = components_visible_to(actor=actor)  # type: ignore[attr-defined]
        if "release_line" in self.fields:
            self.fields["release_line"].queryset = release_lines_visible_to(actor=actor)  # type: ignore[attr-defined]


def _component_field(**kw: Any) -> forms.ModelChoiceField[Component]:
    return forms.ModelChoiceField(queryset=Component.objects.none(), **kw)


def _line_field(**kw: Any) -> forms.ModelChoiceField[ReleaseLine]:
    return forms.ModelChoiceField(queryset=ReleaseLine.objects.none(), required=False, **kw)


class FindingFilterForm(TargetChoices):
    severity = forms.MultipleChoiceField(choices=Severity.choices, required=False, widget=forms.CheckboxSelectMultiple)
    state = forms.ChoiceField(choices=[("", "Any"), *FindingState.choices], required=False)
    component = _component_field(required=False, empty_label="Any")
    release_line = _line_field(empty_label="Any")
    kind = forms.ChoiceField(choices=[("", "Any"), *Kind.choices], required=False)
    tool = forms.CharField(required=False, max_length=100)
    vulnerability_id = forms.CharField(required=False, max_length=120, label="Vulnerability id")
    package = forms.CharField(required=False, max_length=300, help_text="Part of the package URL.")
    suppressed = forms.ChoiceField(choices=_YES_NO, required=False)
    decision = forms.ChoiceField(choices=[("", "Any"), *DecisionState.choices], required=False, label="Decision")

    def criteria(self) -> dict[str, Any]:
        """The selector's filter arguments (no filter when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        suppressed = {"yes": True, "no": False}.get(data.get("suppressed", ""))
        return {
            "severities": list(data.get("severity", [])),
            "state": data.get("state", ""),
            "component": data.get("component"),
            "release_line": data.get("release_line"),
            "tool": data.get("tool", "").strip(),
            "vulnerability_id": data.get("vulnerability_id", "").strip(),
            "package": data.get("package", "").strip(),
            "kind": data.get("kind", ""),
            "suppressed": suppressed,
            "decision": data.get("decision", ""),
        }


class ScanFilterForm(TargetChoices):
    component = _component_field(required=False, empty_label="Any")
    release_line = _line_field(empty_label="Any")


class DecisionForm(ServiceForm):
    state = forms.ChoiceField(choices=DecisionState.choices, label="Decision")
    justification = forms.ChoiceField(
        choices=[("", "— none —"), *Justification.choices], required=False, help_text="For “not affected”."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    expires_at = forms.DateTimeField(
        required=False, widget=_DATETIME, label="Expires (UTC)", help_text="For an accepted risk: when it lapses."
    )


BULK_ACTIONS = [
    ("suppress", "Suppress"),
    ("accept_risk", "Accept the risk"),
    ("false_positive", "Mark as false positive"),
]


class BulkActionForm(ServiceForm):
    action = forms.ChoiceField(choices=[("", "— choose an action —"), *BULK_ACTIONS])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Required: recorded in the audit log.")
    findings = forms.MultipleChoiceField(choices=[], error_messages={"required": "Tick at least one finding."})

    def __init__(self, *args: Any, finding_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["findings"].choices = [(pk, pk) for pk in finding_ids]  # type: ignore[attr-defined]


class ScanUploadForm(TargetChoices):
    file = forms.FileField(label="Report file")
    component = _component_field()
    release_line = _line_field(empty_label="— none —")
    service = forms.CharField(required=False, max_length=200, help_text="Service, image or deployment, if any.")
    format = forms.ChoiceField(required=False, help_text="Leave on “detect” unless detection picks the wrong one.")
    dry_run = forms.BooleanField(required=False, label="Dry run (count only, store nothing)")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        names = sorted(REGISTRY)
        self.fields["format"].choices = [("", "detect"), *((n, REGISTRY[n].label) for n in names)]  # type: ignore[attr-defined]


class SuppressionForm(TargetChoices):
    vulnerability_id = forms.CharField(required=False, max_length=120, label="Vulnerability id")
    purl_pattern = forms.CharField(
        required=False, max_length=500, label="Package URL pattern", help_text="Glob, e.g. pkg:npm/lodash*"
    )
    path_glob = forms.CharField(required=False, max_length=1000, label="Path glob")
    rule_id = forms.CharField(required=False, max_length=300, label="Rule id")
    component = _component_field(required=False, empty_label="— every component —")
    release_line = _line_field(empty_label="— every release line —")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    expires_at = forms.DateTimeField(required=False, widget=_DATETIME, label="Expires (UTC)")
