"""Staff API: POST /api/v1/files (multipart) queues ingestion; GET /api/v1/jobs/{id} follows it."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clearinghouse.catalog.models import Record

from .models import IngestJob
from .selectors import job_detail
from .services import batch_create, batch_discard_if_empty, file_submit, near_records


def _staff(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_staff


def job_json(job: IngestJob) -> dict:
    extraction = getattr(job.blob, "extraction", None)
    return {
        "id": job.pk,
        "url": reverse("api-ingest-job", args=[job.pk]),
        "batch": job.batch_id,
        "name": job.original_name,
        "sha256": job.blob_id,
        "status": job.status,
        "reason": job.reason,
        "attempts": job.attempts,
        "record": job.record_file.record_id if job.record_file_id else None,
        "file": job.record_file_id,
        "page_count": job.blob.page_count,
        "language": job.blob.text_language,
        "languages": extraction.languages if extraction else [],
        "metadata_suggestions": extraction.metadata_suggestions if extraction else {},
        "near_duplicates": [
            {**near, "records": near_records(near["sha256"])}
            for near in (extraction.near_duplicates if extraction else [])
        ],
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@require_POST
def files(request: HttpRequest) -> JsonResponse:
    if not _staff(request):
        return JsonResponse({"error": "forbidden", "detail": "Staff only."}, status=403)
    uploads = request.FILES.getlist("file")
    if not uploads:
        return JsonResponse({"error": "bad_request", "detail": "Send files as 'file'."}, status=400)
    record = None
    if request.POST.get("record"):
        record = Record.objects.filter(pk=request.POST["record"]).first()
        if record is None:
            return JsonResponse({"error": "not_found", "detail": "No such record."}, status=404)
    batch = batch_create(
        actor=request.user,
        source="api",
        record=record,
        language_hint=request.POST.get("language", ""),
    )
    results = []
    for upload in uploads:
        sub = file_submit(batch=batch, stream=upload, name=upload.name, size=upload.size)
        entry = {"name": sub.name, "outcome": sub.outcome, "detail": sub.detail}
        entry["sha256"] = sub.sha256
        entry["records"] = sub.record_ids
        if sub.job:
            sub.job.refresh_from_db()
            entry["job"] = job_json(job_detail(sub.job.pk))
        results.append(entry)
    batch_id = None if batch_discard_if_empty(batch) else batch.pk
    status = 413 if all(r["outcome"] == "too_large" for r in results) else 202
    return JsonResponse(
        {"batch": batch_id, "files": results},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def job(request: HttpRequest, pk: int) -> JsonResponse:
    found = job_detail(pk) if _staff(request) else None
    if found is None:
        return JsonResponse({"error": "not_found", "detail": "No such job."}, status=404)
    return JsonResponse(job_json(found), json_dumps_params={"ensure_ascii": False})


#: The staff ingestion endpoints, merged into /api/v1/openapi.json.
OPENAPI_PATHS = {
    "/files": {
        "post": {
            "operationId": "ingestFiles",
            "summary": "Ingest files (staff); hostile or broken files are quarantined",
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                },
                                "record": {"type": "integer", "description": "attach to it"},
                                "language": {"type": "string", "description": "OCR hint"},
                            },
                        }
                    }
                }
            },
            "responses": {
                "202": {"description": "The batch and, per file, its outcome and job"},
                "403": {"description": "Staff only"},
                "413": {"description": "Every file is over the size limit"},
            },
        }
    },
    "/jobs/{id}": {
        "get": {
            "operationId": "getIngestJob",
            "summary": "An ingestion job (staff): status, reason, record, languages",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {"description": "The job"},
                "404": {"description": "No such job, or not staff"},
            },
        }
    },
}
