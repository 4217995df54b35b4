"""Partner contribution pages (C10 item 5): submit, list and edit one's organisation's records.

Partners never publish or change access: a request that tries (a tampered form)
reaches the record policy through ``record_change``, which refuses and audits it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearinghouse.accounts.services.audit import audit_denied
from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import (
    can_edit,
    can_submit,
    filter_records,
    filter_submissions,
)
from clearinghouse.catalog.workflow import (
    ACCESS_FIELDS,
    STATUS_FIELDS,
    Submission,
    record_change,
    record_submit,
)
from clearinghouse.core.policy import actor_from_request

MAX_UPLOAD = 200 * 1024 * 1024


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Record.Kind.choices)
    original_language = forms.CharField(
        label=gettext_lazy("Language (BCP 47, e.g. en, fr, sr-Latn)"), max_length=35
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=1000)
    subtitle = forms.CharField(label=gettext_lazy("Subtitle"), max_length=1000, required=False)
    abstract = forms.CharField(
        label=gettext_lazy("Abstract"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    date_issued = forms.RegexField(
        label=gettext_lazy("Date issued (2002, 2002-05 or 2002-05-09)"),
        regex=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        required=False,
    )
    publisher = forms.CharField(label=gettext_lazy("Publisher"), max_length=300, required=False)
    upload = forms.FileField(label=gettext_lazy("File"), required=False)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class SubmissionEditForm(SubmissionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "original_language", "upload"):
            del self.fields[name]


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def contributions(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not can_submit(actor):
        raise Http404
    records = filter_submissions(actor).prefetch_related("texts").order_by("-updated_at")
    return render(request, "web/contributions.html", {"records": records})


def contribution_new(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not can_submit(actor):
        raise Http404
    form = SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.pop("upload")
        record = record_submit(
            actor=actor,
            data=Submission(**data),
            upload=upload,
            upload_name=upload.name if upload else "",
            ip=_ip(request),
        )
        return redirect("web:record", pk=record.pk)
    return render(request, "web/contribution_form.html", {"form": form, "record": None})


def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    record = filter_records(actor, Record.objects.filter(pk=pk)).prefetch_related("texts").first()
    if record is None:
        if request.method == "POST":
            # Not visible (or no such id): the same 404 either way, but the attempt is kept.
            audit_denied(actor=actor, action="record.edit", target=("catalog.record", pk))
        raise Http404(_("No such record, or you may not see it."))
    if request.method != "POST" and not can_edit(actor, record):
        raise PermissionDenied
    text = record.text_for(record.original_language)
    initial = {
        "title": text.title if text else "",
        "subtitle": text.subtitle if text else "",
        "abstract": text.abstract if text else "",
        "date_issued": record.date_issued,
        "publisher": record.publisher,
    }
    form = SubmissionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        # Fields this page never offers: only a tampered request sends them. The policy
        # decides (staff may), and refuses and audits everyone else.
        for name in (*STATUS_FIELDS, *ACCESS_FIELDS):
            if name in request.POST:
                changes[name] = request.POST[name]
        try:
            record_change(actor=actor, record=record, changes=changes, ip=_ip(request))
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            return redirect("web:record", pk=record.pk)
    return render(request, "web/contribution_form.html", {"form": form, "record": record})
