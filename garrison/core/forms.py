"""The base of every form whose data goes to a service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class ServiceForm(forms.Form):
    """A form whose data goes to a service; the service's field errors come back onto the form (an error about a
    field the form does not have, or about nothing in particular, is shown above it)."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)
