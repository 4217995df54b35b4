"""The staff import page: upload, see the dry run, confirm (the same service as the CLI)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from clearinghouse.catalog import storage
from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import actor_from_request

from .formats.registry import IMPORTS
from .imports.service import ImportRefused, import_file
from .models import ImportRun


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("format"), choices=[(n, f.label) for n, f in IMPORTS.items()]
    )
    file = forms.FileField(label=_("file"), required=False)
    status = forms.ChoiceField(
        label=_("status of new records"),
        choices=Record.Status.choices,
        initial=Record.Status.IN_REVIEW,
    )
    access = forms.ChoiceField(
        label=_("access to new records"), choices=Record.Tier.choices, initial=Record.Tier.PUBLIC
    )
    #: Set after a dry run: confirming imports the file that was checked.
    run = forms.IntegerField(required=False, widget=forms.HiddenInput)


def import_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not actor.is_staff:
        if actor.is_anonymous:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report, confirm = None, None
    if request.method == "POST" and form.is_valid():
        data, name = _data(form)
        if data is None:
            form.add_error("file", _("Choose a file."))
        else:
            try:
                report = import_file(
                    actor=actor,
                    format_name=form.cleaned_data["format"],
                    data=data,
                    file_name=name,
                    dry_run=not form.cleaned_data["run"],
                    status=form.cleaned_data["status"],
                    access=form.cleaned_data["access"],
                )
            except ImportRefused as exc:
                form.add_error(None, str(exc))
            if report and report.dry_run:
                confirm = ImportForm(initial={**form.cleaned_data, "run": report.run_id})
    return render(
        request,
        "dissemination/import.html",
        {
            "form": form,
            "report": report,
            "confirm": confirm,
            "runs": ImportRun.objects.exclude(status=ImportRun.Status.DRY_RUN)[:20],
        },
        status=400 if form.errors else 200,
    )


def _data(form: ImportForm) -> tuple[bytes | None, str]:
    upload = form.cleaned_data.get("file")
    if upload:
        return upload.read(), upload.name
    run = ImportRun.objects.filter(
        pk=form.cleaned_data.get("run") or 0, status=ImportRun.Status.DRY_RUN
    ).first()
    if run is None:
        return None, ""
    with storage.open_blob(run.sha256) as fh:
        return fh.read(), run.file_name
