"""Forms of the on-call pages. They parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from garrison.accounts.models import User
from garrison.notify.selectors import oncall_candidates
from garrison.org.forms import ServiceForm

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class _UserChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.email})"


class _WindowForm(ServiceForm):
    user = _UserChoice(queryset=User.objects.none())
    starts_at = forms.DateTimeField(label="Starts (UTC)", widget=_WHEN, input_formats=_FORMATS)
    ends_at = forms.DateTimeField(label="Ends (UTC, excluded)", widget=_WHEN, input_formats=_FORMATS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = oncall_candidates()  # type: ignore[attr-defined]


class ShiftForm(_WindowForm):
    position = forms.IntegerField(
        min_value=0, max_value=100, initial=0, help_text="Escalation order among overlapping shifts: 0 is paged first."
    )
    note = forms.CharField(max_length=200, required=False)


class OverrideForm(_WindowForm):
    reason = forms.CharField(max_length=200, required=False, help_text="e.g. swap with a colleague, holiday cover.")
