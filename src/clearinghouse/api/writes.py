"""REST API v1, writing (analysts and administrators): records, texts, files, imports.

Views parse and validate the request (``payloads``) and call the catalogue's services;
every change gets history and reindexing through them.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from clearinghouse.catalog.models import Record, RecordText
from clearinghouse.catalog.policies import visible_files
from clearinghouse.catalog.services import UnknownConcept, file_attach, record_upsert
from clearinghouse.dissemination.formats.record_json import record_full
from clearinghouse.dissemination.imports.entry import input_from_record
from clearinghouse.dissemination.imports.service import ImportRefused, import_file

from .base import ApiError, api_actor, api_endpoint, json_response
from .payloads import read_json, record_input_from, text_input_from
from .views import file_json

MAX_UPLOAD = 100 * 1024 * 1024


def _record(pk: int) -> Record:
    record = Record.objects.filter(pk=pk).first()
    if record is None:
        raise ApiError(404, "not_found", "No such record.")
    return record


def _save(request: HttpRequest, data, summary: str, status: int) -> HttpResponse:
    actor = api_actor(request)
    try:
        record = record_upsert(actor=actor.user, data=data, summary=summary)
    except UnknownConcept as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc
    record = Record.objects.prefetch_related("texts", "creators__agent", "concepts").get(
        pk=record.pk
    )
    response = json_response(record_full(record, visible_files(actor, record)), status)
    response["Location"] = reverse("api-record", args=[record.pk])
    return response


@api_endpoint("POST", write=True)
def record_create(request: HttpRequest) -> HttpResponse:
    data = record_input_from(read_json(request))
    data.identifier = data.identifier or f"ch:{uuid.uuid4()}"
    if Record.objects.filter(identifier=data.identifier).exists():
        raise ApiError(409, "conflict", "A record with this identifier exists; PUT to it instead.")
    return _save(request, data, "created through the API", 201)


@api_endpoint("PUT", write=True)
def record_replace(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(pk)
    data = record_input_from(read_json(request))
    if data.identifier and data.identifier != record.identifier:
        raise ApiError(400, "bad_request", "The identifier of a record cannot change.")
    with transaction.atomic():
        if not record.identifier:
            Record.objects.filter(pk=pk).update(identifier=f"ch:{uuid.uuid4()}")
            record.refresh_from_db()
        data.identifier = record.identifier
        data.access_group_ids = [g.pk for g in record.access_groups.all()]
        return _save(request, data, "replaced through the API", 200)


@api_endpoint("DELETE", write=True)
def record_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Records are never erased through the API: DELETE withdraws (OAI reports it deleted)."""
    record = _record(pk)
    data = _current(record)
    data.status = Record.Status.WITHDRAWN
    return _save(request, data, "withdrawn through the API", 200)


def _current(record: Record):
    data = input_from_record(record)
    if not data.identifier:
        Record.objects.filter(pk=record.pk).update(identifier=f"ch:{uuid.uuid4()}")
        record.refresh_from_db()
        data.identifier = record.identifier
    return data


@api_endpoint("PUT", write=True)
def text_put(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    record = _record(pk)
    text = text_input_from(read_json(request), language)
    with transaction.atomic():
        data = _current(record)
        others = [t for t in data.texts if t.language.lower() != text.language.lower()]
        if text.is_original:
            for other in others:
                other.is_original = False
            data.original_language = text.language
        data.texts = [text, *others] if text.is_original else [*others, text]
        if not any(t.is_original for t in data.texts):
            data.texts[0].is_original = True
        return _save(request, data, f"text {text.language} saved through the API", 200)


@api_endpoint("DELETE", write=True)
def text_delete(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    record = _record(pk)
    text = RecordText.objects.filter(record=record, language__iexact=language).first()
    if text is None:
        raise ApiError(404, "not_found", "The record has no text in this language.")
    if text.is_original:
        raise ApiError(409, "conflict", "The original text cannot be deleted; replace it instead.")
    with transaction.atomic():
        data = _current(record)
        data.texts = [t for t in data.texts if t.language.lower() != language.lower()]
        _save(request, data, f"text {language} deleted through the API", 200)
    return HttpResponse(status=204)


@api_endpoint("POST", write=True)
def file_create(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(pk)
    upload = request.FILES.get("file")
    if upload is None:
        raise ApiError(400, "bad_request", "Send the file as multipart form field 'file'.")
    if upload.size > MAX_UPLOAD:
        raise ApiError(413, "too_large", f"Files over {MAX_UPLOAD} bytes are not accepted here.")
    record_file = file_attach(
        actor=api_actor(request).user,
        record=record,
        stream=upload,
        original_name=(upload.name or "upload")[:255],
        language=request.POST.get("language", "")[:35],
        label=request.POST.get("label", "")[:300],
        media_type=upload.content_type or "",
    )
    return json_response(file_json(record_file), 201)


@api_endpoint("POST", write=True)
def imports(request: HttpRequest) -> HttpResponse:
    """Import a file: the body is the file (or multipart field 'file'); ?dry_run=true first."""
    upload = request.FILES.get("file")
    data = upload.read() if upload else request.body
    if not data:
        raise ApiError(
            400, "bad_request", "Send the file as the body or as multipart field 'file'."
        )
    dry_run = request.GET.get("dry_run", "").lower() in ("1", "true", "yes")
    try:
        report = import_file(
            actor=api_actor(request),
            format_name=request.GET.get("format", ""),
            data=data,
            file_name=(upload.name if upload else request.GET.get("name", ""))[:300],
            dry_run=dry_run,
            status=request.GET.get("status", Record.Status.IN_REVIEW),
            access=request.GET.get("access", Record.Tier.PUBLIC),
        )
    except ImportRefused as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc
    return json_response(
        {
            "run": report.run_id,
            "format": report.format,
            "dry_run": report.dry_run,
            "total": report.total,
            "created": report.counts["create"],
            "updated": report.counts["update"],
            "rejected": report.counts["reject"],
            "entries": [
                {
                    "number": o.number,
                    "line": o.line,
                    "action": o.action,
                    "key": o.key,
                    "title": o.title,
                    "reason": o.reason,
                    "record": o.record_id,
                }
                for o in report.outcomes
            ],
        }
    )
