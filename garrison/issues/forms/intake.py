"""Forms of the public intake: the report form (/report) and the reporter's reply on the tracking page.

They parse input only; ``issue_intake`` and ``reporter_reply`` validate the content (lengths, email, CVSS vector,
files) and their field errors come back onto these forms through ``add_service_errors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from garrison.core.forms import ServiceForm
from garrison.issues.models import Exposure
from garrison.issues.selectors import components_for_reports
from garrison.issues.services import IncomingFile, ReportData
from garrison.issues.services.intake import safe_filename

HONEYPOT = "website"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """``<input type=file multiple>``: a list of uploads, each checked against the per-file limit before any of
    it is read, and their number against the per-message limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        most = settings.GARRISON_ATTACHMENT_MAX_FILES
        if len(uploads) > most:
            raise ValidationError(f"At most {most} files per message (got {len(uploads)}).")
        limit = settings.GARRISON_ATTACHMENT_MAX_BYTES
        errors = [
            f"{safe_filename(f.name or '')} is {f.size:,} bytes; the limit is {limit:,} bytes "
            f"({filesizeformat(limit)}) per file."
            for f in uploads
            if (f.size or 0) > limit or getattr(f, "over_limit", False)
        ]
        if errors:
            raise ValidationError(errors)
        return uploads


def files_limit_text() -> str:
    size = filesizeformat(settings.GARRISON_ATTACHMENT_MAX_BYTES)
    return f"At most {settings.GARRISON_ATTACHMENT_MAX_FILES} files, each at most {size}."


def incoming_files(uploads: list[UploadedFile]) -> list[IncomingFile]:
    """Read the checked uploads; never more than limit + 1 bytes of any of them."""
    limit = settings.GARRISON_ATTACHMENT_MAX_BYTES
    return [
        IncomingFile(
            filename=f.name or "attachment",
            content_type=f.content_type or "application/octet-stream",
            data=f.read(limit + 1),
        )
        for f in uploads
    ]


def _text(label: str, *, rows: int = 0, help_text: str = "", required: bool = False, **kw: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=required, help_text=help_text, widget=widget, **kw)


class ReportForm(ServiceForm):
    """The public report form; the same fields as ``POST /api/v1/reports``."""

    title = _text("Summary", help_text="One line: what is wrong, and where.", max_length=200)
    description = _text("Description", rows=8, help_text="What is the vulnerability?")
    component = forms.ModelChoiceField(
        queryset=components_for_reports(),
        required=False,
        label="Affected component",
        empty_label="Don't know / other (describe it below)",
    )
    component_text = _text("Component, in your own words", help_text="If it is not in the list.", max_length=200)
    affected_versions = _text("Affected versions", help_text="e.g. 4.2 to 4.4, or main.", max_length=500)
    steps_to_reproduce = _text("Steps to reproduce", rows=6)
    impact = _text("Impact", rows=4, help_text="What can an attacker do with it?")
    cvss_vector = _text(
        "CVSS vector (optional)", help_text="e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", max_length=200
    )
    exposure = forms.ChoiceField(
        label="Is this already public or exploited?",
        choices=Exposure.choices,
        required=False,
        widget=forms.RadioSelect,
        initial=Exposure.UNKNOWN,
    )
    exposure_links = _text("Links", rows=3, help_text="Where it is public or exploited, one link per line.")
    reporter_name = _text("Your name (optional)", max_length=150)
    reporter_email = _text(
        "Your email (optional)",
        help_text="We write to you about this report; leave empty to stay anonymous.",
        max_length=254,
    )
    credit_name = _text(
        "Name to credit (optional)",
        help_text="How we thank you in the advisory; leave empty for no credit.",
        max_length=150,
    )
    consent_to_share = forms.BooleanField(
        required=False,
        label="You may share this report with affected installations (under embargo) so they can protect themselves.",
    )
    attachments = MultipleFileField(
        label="Files (optional)", help_text="Proof of concept, screenshots, logs. Several files allowed."
    )
    # Spam trap: hidden from people by a CSS class; a bot that fills it gets a thank-you page and nothing is stored.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = components_for_reports()  # type: ignore[attr-defined]
        self.fields["attachments"].help_text += f" {files_limit_text()}"

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def report(self) -> ReportData:
        data = self.cleaned_data
        component = data.get("component")
        return ReportData(
            title=data["title"],
            description=data["description"],
            component_id=component.pk if component else None,
            component_text="" if component else data["component_text"],
            affected_versions=data["affected_versions"],
            steps_to_reproduce=data["steps_to_reproduce"],
            impact=data["impact"],
            cvss_vector=data["cvss_vector"].strip(),
            exposure=data["exposure"] or "",
            exposure_links=data["exposure_links"],
            reporter_name=data["reporter_name"],
            reporter_email=data["reporter_email"].strip(),
            credit_name=data["credit_name"],
            consent_to_share=bool(data["consent_to_share"]),
            attachments=incoming_files(data["attachments"]),
        )


class ReplyForm(ServiceForm):
    body = _text("Your message", rows=5, max_length=50_000)
    attachments = MultipleFileField(label="Files (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = files_limit_text()
