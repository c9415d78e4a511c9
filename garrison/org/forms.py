"""Forms of the organisation pages. They parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.access.selectors import labels_assignable_by
from garrison.accounts.models import User
from garrison.core.forms import ServiceForm as CoreServiceForm
from garrison.org.models import Component, ReleaseLineStatus, SupportStatus, Team
from garrison.org.selectors import (
    components_visible_to,
    team_member_candidates,
    teams_assignable_to_components,
    teams_visible_to,
)
from garrison.org.services import ContactData

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceForm(CoreServiceForm):
    """A form whose data goes to a service; the service's field errors come back onto the form."""

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if "classification" in self.base_fields:
            if can(actor, Permission.LABEL_MANAGE):
                field = self.fields["classification"]
                field.queryset = labels_assignable_by(actor=actor)  # type: ignore[attr-defined]
            else:
                del self.fields["classification"]  # only label managers may set or change a label

    @classmethod
    def initial_from(cls, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in cls.base_fields if hasattr(obj, name)}


def _label_field() -> forms.ModelChoiceField[ClassificationLabel]:
    return forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="— no label —",
        help_text="Narrows who may see this record to the roles, teams and users the label names.",
    )


class TeamForm(ServiceForm):
    name = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lead: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="— no lead —", help_text="The lead is always a member."
    )
    classification = _label_field()

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["lead"].queryset = team_member_candidates(actor=actor)  # type: ignore[attr-defined]


class MemberAddForm(ServiceForm):
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, label="Add member")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["user"].queryset = team_member_candidates(actor=actor)  # type: ignore[attr-defined]


class ComponentForm(ServiceForm):
    name = forms.CharField(max_length=120)
    responsible_team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": "A component must have a responsible team: choose the team that fixes its issues."},
    )
    support_status = forms.ChoiceField(choices=SupportStatus.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    repository_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    package_url = forms.CharField(max_length=500, required=False, help_text="purl without version: pkg:pypi/django")
    classification = _label_field()

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["responsible_team"].queryset = teams_assignable_to_components(actor=actor)  # type: ignore[attr-defined]


class ClientForm(ServiceForm):
    name = forms.CharField(max_length=150)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    components: forms.ModelMultipleChoiceField[Component] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text="What this client runs."
    )
    classification = _label_field()

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["components"].queryset = components_visible_to(actor=actor).order_by("name")  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, obj: Any) -> dict[str, Any]:
        initial = super().initial_from(obj)
        initial["components"] = list(obj.components.all())
        return initial

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "components"}


class ContactForm(forms.Form):
    email = forms.EmailField()
    name = forms.CharField(max_length=150, required=False)
    role = forms.CharField(max_length=100, required=False, help_text="e.g. security contact")


ContactFormSet = forms.formset_factory(ContactForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def contacts_from(formset: Any) -> list[ContactData]:
    return [
        ContactData(email=f.cleaned_data["email"], name=f.cleaned_data["name"], role=f.cleaned_data["role"])
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class ReleaseLineForm(ServiceForm):
    name = forms.CharField(max_length=100)
    status = forms.ChoiceField(choices=ReleaseLineStatus.choices)
    support_ends_on = forms.DateField(required=False, widget=_DATE, help_text="Last day of support (YYYY-MM-DD).")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    classification = _label_field()


class ReleaseForm(ServiceForm):
    version = forms.CharField(max_length=64)
    released_on = forms.DateField(required=False, widget=_DATE, help_text="YYYY-MM-DD; empty if not released yet.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search")


class ComponentFilterForm(SearchForm):
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(queryset=None, required=False, empty_label="All teams")
    support_status = forms.ChoiceField(choices=[("", "Any support status"), *SupportStatus.choices], required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_visible_to(actor=actor).select_related(None).prefetch_related(None)  # type: ignore[attr-defined]


class ReleaseLineFilterForm(SearchForm):
    status = forms.ChoiceField(choices=[("", "Any status"), *ReleaseLineStatus.choices], required=False)
