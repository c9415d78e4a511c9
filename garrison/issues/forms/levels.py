"""Forms of the security-level pages: a level's membership, and an access review."""

from __future__ import annotations

from typing import Any

from django import forms

from garrison.access.roles import STAFF_ROLES, Role
from garrison.accounts.models import User
from garrison.accounts.selectors import users_visible_to
from garrison.core.forms import ServiceForm
from garrison.org.models import Team
from garrison.org.selectors import teams_visible_to

STAFF_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in STAFF_ROLES]


class LevelForm(ServiceForm):
    name = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rank = forms.IntegerField(
        min_value=0, initial=100, help_text="Lower is more restrictive; new issues get the lowest."
    )
    roles = forms.MultipleChoiceField(
        choices=STAFF_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone with these roles is admitted (the security team always is).",
    )
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.none(), required=False)
    users = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)
    include_component_team = forms.BooleanField(
        required=False, label="Admit the issue's responsible team", help_text="Members of the component's team."
    )
    include_trusted_installations = forms.BooleanField(
        required=False, label="Trusted installations may be pre-notified", help_text="No sign-in access."
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["teams"].queryset = teams_visible_to(actor=actor)
        fields["users"].queryset = users_visible_to(actor=actor, active=True).filter(role__in=STAFF_ROLES)
        fields["users"].label_from_instance = lambda user: f"{user.display_name} <{user.email}>"

    def values(self) -> dict[str, Any]:
        """Keyword arguments for ``level_save`` (teams and users as chosen; the view adds teams hidden from the
        actor so that saving never drops them)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data.get("description", ""),
            "rank": data["rank"],
            "roles": list(data.get("roles") or []),
            "teams": list(data.get("teams") or []),
            "users": list(data.get("users") or []),
            "include_component_team": bool(data.get("include_component_team")),
            "include_trusted_installations": bool(data.get("include_trusted_installations")),
        }


class ReviewForm(ServiceForm):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000, label="Note (optional)"
    )
