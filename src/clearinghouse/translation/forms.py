"""The form of one language version of a record's texts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clearinghouse.catalog.models import RecordText
from clearinghouse.catalog.translations import TextVersion


class TextVersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=1000)
    subtitle = forms.CharField(label=_("Subtitle"), max_length=1000, required=False)
    abstract = forms.CharField(
        label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    annotation = forms.CharField(
        label=_("Annotation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    is_original = forms.BooleanField(label=_("This is the original text"), required=False)
    source_language = forms.ChoiceField(label=_("Translated from"), required=False)
    method = forms.ChoiceField(
        label=_("Made by"),
        choices=[
            (RecordText.Method.HUMAN, _("a person")),
            (RecordText.Method.MACHINE, _("a machine translation engine")),
        ],
        initial=RecordText.Method.HUMAN,
    )
    translator = forms.CharField(
        label=_("Translator"),
        max_length=200,
        required=False,
        help_text=_("the person, or the engine and its version"),
    )
    reviewed = forms.BooleanField(label=_("A person reviewed this translation"), required=False)

    def __init__(self, *args, source_choices: list[tuple[str, str]], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_language"].choices = source_choices
        for name in ("title", "subtitle", "abstract", "annotation"):
            self.fields[name].widget.attrs["lang"] = language

    def version(self) -> TextVersion:
        return TextVersion(**self.cleaned_data)

    @staticmethod
    def initial_from(text: RecordText | None) -> dict:
        if text is None:
            return {}
        return {
            "title": text.title,
            "subtitle": text.subtitle,
            "abstract": text.abstract,
            "annotation": text.annotation,
            "is_original": text.is_original,
            "source_language": text.source_language,
            "method": text.method if text.method != RecordText.Method.ORIGINAL else "human",
            "translator": text.translator,
            "reviewed": text.reviewed,
        }
