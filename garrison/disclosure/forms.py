"""Forms of the security team's advisory pages. They parse input; the services validate, decide and write."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms

from garrison.core.forms import ServiceForm
from garrison.disclosure.models import Advisory, CreditType
from garrison.disclosure.services_edit import SEVERITIES
from garrison.disclosure.status import Justification, ProductStatus
from garrison.org.models import Component, ReleaseLine
from garrison.org.selectors import components_visible_to, release_lines_visible_to

ZONES = sorted(zoneinfo.available_timezones())


def _references_text(references: list[Any]) -> str:
    return "\n".join(
        f"{r.get('type', 'web')} {r.get('url', '')}" if isinstance(r, dict) else str(r) for r in references or []
    )


class AdvisoryForm(ServiceForm):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}))
    cve_id = forms.CharField(max_length=20, required=False, label="CVE id")
    ghsa_id = forms.CharField(max_length=30, required=False, label="GHSA id")
    severity = forms.ChoiceField(choices=[("", "—"), *[(s, s.title()) for s in SEVERITIES]], required=False)
    cvss_v3_vector = forms.CharField(max_length=200, required=False, label="CVSS 3.x vector")
    cvss_v4_vector = forms.CharField(max_length=300, required=False, label="CVSS 4.0 vector")
    cwe_ids = forms.CharField(required=False, label="CWE ids", help_text="e.g. CWE-79, CWE-89")
    workarounds = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    references = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: a URL, or a type (fix, report, advisory, web, ...) then the URL.",
    )

    @classmethod
    def initial_for(cls, advisory: Advisory) -> dict[str, Any]:
        return {
            **{name: getattr(advisory, name) for name in cls.base_fields if name not in ("cwe_ids", "references")},
            "cwe_ids": ", ".join(f"CWE-{c}" for c in advisory.cwe_ids),
            "references": _references_text(advisory.references),
        }

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        refs = []
        for line in str(data.get("references") or "").splitlines():
            parts = line.split()
            if len(parts) == 1:
                refs.append({"url": parts[0], "type": "web"})
            elif len(parts) >= 2:
                refs.append({"url": parts[-1], "type": parts[0]})
        data["references"] = refs
        return data


class ProductForm(ServiceForm):
    component = forms.ModelChoiceField(queryset=Component.objects.none())
    release_line = forms.ModelChoiceField(queryset=ReleaseLine.objects.none(), required=False)
    status = forms.ChoiceField(choices=[(s.value, s.value.replace("_", " ")) for s in ProductStatus])
    justification = forms.ChoiceField(
        choices=[("", "—"), *[(j.value, j.value.replace("_", " ")) for j in Justification]], required=False
    )
    affected_versions = forms.CharField(max_length=200, required=False)
    fixed_version = forms.CharField(max_length=64, required=False)
    impact = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components_visible_to(actor=actor)  # type: ignore[attr-defined]
        self.fields["release_line"].queryset = release_lines_visible_to(actor=actor)  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("component", "release_line")}


class CreditForm(ServiceForm):
    name = forms.CharField(max_length=150)
    organisation = forms.CharField(max_length=150, required=False)
    type = forms.ChoiceField(choices=CreditType.choices, initial=CreditType.FINDER)


class RevisionForm(ServiceForm):
    summary = forms.CharField(max_length=300, label="What changed")


class PrenotifyForm(ServiceForm):
    embargo_ends_at = forms.DateTimeField(
        label="Embargo ends",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    time_zone = forms.ChoiceField(choices=[(z, z) for z in ZONES], initial="UTC")

    def aware_end(self) -> datetime:
        """The entered wall-clock time in the chosen zone (the form field itself is read as naive)."""
        value: datetime = self.cleaned_data["embargo_ends_at"]
        return value.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(self.cleaned_data["time_zone"]))
