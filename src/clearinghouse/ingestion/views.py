"""Staff pages: upload several files at once, follow batches and jobs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from clearinghouse.catalog.models import Record

from .forms import UploadForm
from .models import IngestBatch
from .selectors import batch_jobs, batch_progress, batches_with_progress
from .services import batch_create, batch_discard_if_empty, file_submit


@staff_member_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = None
        if form.cleaned_data["record"]:
            record = Record.objects.filter(pk=form.cleaned_data["record"]).first()
        if form.cleaned_data["record"] and record is None:
            form.add_error("record", _("No such record."))
        else:
            batch = batch_create(
                actor=request.user,
                source="upload",
                record=record,
                language_hint=form.cleaned_data["language"],
            )
            for upload_file in form.cleaned_data["files"]:
                sub = file_submit(
                    batch=batch, stream=upload_file, name=upload_file.name, size=upload_file.size
                )
                if sub.outcome != "queued":
                    messages.warning(request, f"{sub.name}: {sub.outcome} — {sub.detail}")
            if batch_discard_if_empty(batch):
                return redirect("ingestion:upload")
            return redirect("ingestion:batch", pk=batch.pk)
    return render(
        request,
        "ingestion/upload.html",
        {"form": form, "batches": batches_with_progress()},
        status=400 if form.errors else 200,
    )


@staff_member_required
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(IngestBatch, pk=pk)
    progress = batch_progress(item)
    return render(
        request,
        "ingestion/batch.html",
        {"batch": item, "progress": progress, "jobs": batch_jobs(item)},
    )
