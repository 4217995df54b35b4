"""The offline edition on the portal: the public key page, and the staff page that builds."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import actor_from_request

from ..models import OfflineEditionJob
from .errors import EditionRefused
from .jobs import job_paths, offline_job_create
from .manifest import fingerprint, installation_public_key
from .selection import parse_size


def _words(value: str) -> list[str]:
    return [v for v in value.replace(",", " ").split() if v]


class EditionForm(forms.Form):
    audiences = forms.CharField(label=_("audiences (codes)"), required=False)
    topics = forms.CharField(label=_("topics (codes)"), required=False)
    languages = forms.CharField(
        label=_("languages (codes; also the languages of the interface)"), required=False
    )
    kinds = forms.MultipleChoiceField(
        label=_("kinds"),
        choices=Record.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    files = forms.BooleanField(label=_("include the files"), required=False, initial=True)
    iso = forms.BooleanField(label=_("also an ISO 9660 image"), required=False)
    max_size = forms.CharField(label=_("maximum size (e.g. 700MB)"), required=False)
    group = forms.ModelChoiceField(
        label=_("include the material of this group (marked on every page)"),
        queryset=Group.objects.order_by("name"),
        required=False,
    )

    def clean_max_size(self):
        try:
            return parse_size(self.cleaned_data["max_size"])
        except EditionRefused as exc:
            raise forms.ValidationError(str(exc)) from exc

    def options(self) -> dict:
        data = self.cleaned_data
        return {
            "audiences": _words(data["audiences"]),
            "topics": _words(data["topics"]),
            "languages": _words(data["languages"]),
            "kinds": list(data["kinds"]),
            "files": data["files"],
            "iso": data["iso"],
            "max_size": data["max_size"],
            "group": data["group"].name if data["group"] else "",
        }


def _staff_or_refuse(request: HttpRequest):
    actor = actor_from_request(request)
    if actor.is_staff:
        return actor, None
    if actor.is_anonymous:
        return actor, redirect_to_login(request.get_full_path())
    raise Http404


def public_key_page(request: HttpRequest) -> HttpResponse:
    key = installation_public_key()
    return render(
        request, "offline/portal_key.html", {"public_key": key, "fingerprint": fingerprint(key)}
    )


def staff_page(request: HttpRequest) -> HttpResponse:
    actor, refusal = _staff_or_refuse(request)
    if refusal:
        return refusal
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = offline_job_create(actor=actor, options=form.options())
        return redirect("offline:job", pk=job.pk)
    return render(
        request,
        "offline/staff.html",
        {"form": form, "jobs": OfflineEditionJob.objects.all()[:20]},
        status=400 if form.errors else 200,
    )


def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    _actor, refusal = _staff_or_refuse(request)
    if refusal:
        return refusal
    job = get_object_or_404(OfflineEditionJob, pk=pk)
    paths = job_paths(job)
    downloads = [kind for kind in ("zip", "iso") if paths[kind].exists()]
    return render(request, "offline/job.html", {"job": job, "downloads": downloads})


def job_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    _actor, refusal = _staff_or_refuse(request)
    if refusal:
        return refusal
    job = get_object_or_404(OfflineEditionJob, pk=pk, status=OfflineEditionJob.Status.DONE)
    path = job_paths(job).get(kind)
    if kind not in ("zip", "iso") or path is None or not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["Cache-Control"] = "private, no-store"
    return response
