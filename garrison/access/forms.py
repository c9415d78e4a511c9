"""The classification-label form: who a label admits (roles, teams, users)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from garrison.access.roles import Role
from garrison.access.selectors import label_team_choices, label_user_choices
from garrison.accounts.models import User
from garrison.org.models import Team


class LabelForm(forms.Form):
    name = forms.CharField(max_length=60)
    rank = forms.IntegerField(min_value=0, max_value=32767, help_text="Higher is more restricted.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone with one of these roles sees records with this label (on top of their type permission).",
    )
    teams: forms.ModelMultipleChoiceField[Team] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text="Members of these teams."
    )
    users: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        help_text="These people, whatever their role. Hold Ctrl (or Cmd) to choose several.",
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = label_team_choices(actor=actor)  # type: ignore[attr-defined]
        self.fields["users"].queryset = label_user_choices(actor=actor)  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(label: Any) -> dict[str, Any]:
        return {
            "name": label.name,
            "rank": label.rank,
            "description": label.description,
            "roles": list(label.roles),
            "teams": list(label.teams.all()),
            "users": list(label.users.all()),
        }

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"teams", "users"}}

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)
