"""The staff upload form: several files at once, each under the size limit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .limits import ingestion_setting


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("files"))
    record = forms.IntegerField(
        label=_("attach to record (id)"),
        required=False,
        help_text=_("empty: one new draft record per file"),
    )
    language = forms.CharField(
        label=_("language of the documents (optional, helps OCR)"), required=False, max_length=35
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = ingestion_setting("MAX_UPLOAD_BYTES")
        too_large = [f"{f.name} ({f.size // (1024 * 1024)} MB)" for f in files if f.size > limit]
        if too_large:
            raise forms.ValidationError(
                _("Too large (the limit is %(limit)s MB per file): %(names)s")
                % {
                    "limit": limit // (1024 * 1024),
                    "names": ", ".join(too_large),
                }
            )
        return files
