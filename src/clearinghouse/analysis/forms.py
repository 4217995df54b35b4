"""Forms of the analysis pages: an annotation version, a review, workflow actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clearinghouse.catalog.models import Record

from .models import AnnotationVersion
from .rubric import FRAMEWORK_COLUMNS, FRAMEWORK_PARTS, RUBRIC

LIMIT = 20_000


def framework_field(column: str, part: str) -> str:
    return f"fw_{column}_{part}"


class AnnotationForm(forms.Form):
    """One language's texts plus the language-neutral framework and facets."""

    language = forms.CharField(label=_("language"), max_length=35)
    abstract = forms.CharField(
        label=_("analyst's abstract"), widget=forms.Textarea, required=False, max_length=LIMIT
    )
    annotation = forms.CharField(
        label=_("annotation"), widget=forms.Textarea, required=False, max_length=LIMIT
    )
    audiences = forms.MultipleChoiceField(label=_("audiences"), required=False)
    purpose = forms.ChoiceField(
        label=_("purpose"),
        required=False,
        choices=[("", "—"), *AnnotationVersion.Purpose.choices],
    )
    depth = forms.ChoiceField(
        label=_("depth"), required=False, choices=[("", "—"), *Record.Depth.choices]
    )
    duration = forms.CharField(
        label=_("duration"),
        required=False,
        max_length=40,
        help_text=_("ISO 8601 duration, e.g. PT8H, P4D"),
    )
    regions = forms.MultipleChoiceField(label=_("regional focus"), required=False)
    note = forms.CharField(label=_("change note"), required=False, max_length=300)

    def __init__(self, *args, audience_choices=(), region_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audiences"].choices = list(audience_choices)
        self.fields["regions"].choices = list(region_choices)
        for column, label, question in FRAMEWORK_COLUMNS:
            for part, part_label in FRAMEWORK_PARTS:
                self.fields[framework_field(column, part)] = forms.CharField(
                    label=f"{label} — {part_label}",
                    help_text=question,
                    required=False,
                    max_length=LIMIT,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def framework(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            column: {
                part: data.get(framework_field(column, part), "") for part, _p in FRAMEWORK_PARTS
            }
            for column, _l, _q in FRAMEWORK_COLUMNS
        }


class ReviewForm(forms.Form):
    """Each rubric criterion scored with its evidence; a best-practice flag with reason."""

    best_practice = forms.BooleanField(label=_("best practice"), required=False)
    best_practice_reason = forms.CharField(
        label=_("why it is a best practice"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LIMIT,
    )
    summary = forms.CharField(
        label=_("summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LIMIT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in RUBRIC:
            low, high = criterion.scale
            self.fields[f"score_{criterion.id}"] = forms.TypedChoiceField(
                label=criterion.label,
                help_text=criterion.help,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("not applicable")), *[(n, str(n)) for n in range(low, high + 1)]],
            )
            self.fields[f"evidence_{criterion.id}"] = forms.CharField(
                label=_("evidence"),
                required=False,
                max_length=LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict[str, tuple[int | None, str]]:
        data = self.cleaned_data
        return {c.id: (data.get(f"score_{c.id}"), data.get(f"evidence_{c.id}", "")) for c in RUBRIC}


class AssignForm(forms.Form):
    analyst = forms.TypedChoiceField(label=_("analyst"), coerce=int)

    def __init__(self, *args, analyst_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].choices = list(analyst_choices)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
