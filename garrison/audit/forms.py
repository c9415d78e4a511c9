from __future__ import annotations

from typing import Any

from django import forms

from garrison.audit.actions import AuditAction
from garrison.audit.selectors import EventFilter

_ACTION_CHOICES = [("", "Any action"), *((a.value, a.value) for a in AuditAction)]


class EventFilterForm(forms.Form):
    """The audit page's filters (GET). Dates are whole days in UTC, both ends included."""

    actor_email = forms.CharField(label="Actor email", required=False, max_length=254)
    action = forms.ChoiceField(label="Action", required=False, choices=_ACTION_CHOICES)
    target_type = forms.CharField(
        label="Target type", required=False, max_length=64, help_text="For example accounts.user"
    )
    target_id = forms.CharField(label="Target id", required=False, max_length=64)
    since = forms.DateField(label="From (UTC)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To (UTC)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    cursor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    FILTER_FIELDS = ("actor_email", "action", "target_type", "target_id", "since", "until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", f"must be on or after the From date ({since.isoformat()})")
        return data

    def filters(self) -> EventFilter:
        data = self.cleaned_data
        return EventFilter(
            actor_email=data.get("actor_email", "").strip(),
            action=data.get("action", ""),
            target_type=data.get("target_type", "").strip(),
            target_id=data.get("target_id", "").strip(),
            since=data.get("since"),
            until=data.get("until"),
        )

    def error_summary(self) -> str:
        return "; ".join(f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in self.errors.items())
