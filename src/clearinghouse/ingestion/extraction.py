"""Writing one sandbox outcome onto the blob (searchable text) and its Extraction (the rest)."""

from __future__ import annotations

from django.db.models import Q

from clearinghouse.catalog.models import Blob, RecordFile
from clearinghouse.search.outbox import record_index_changed

from . import minhash
from .limits import ingestion_setting
from .models import Extraction, MinHashBand
from .runner import SandboxOutcome

BLOB_DONE = "done"
BLOB_QUARANTINED = "quarantined"
#: A language is written onto the blob (and so chosen for stemming) above this confidence.
LANGUAGE_CONFIDENCE = 0.5


def extraction_apply(*, blob: Blob, outcome: SandboxOutcome, attempts: int) -> Extraction:
    """Store ``outcome`` for ``blob`` and re-index every record using it (caller's transaction)."""
    stats = {
        "peak_memory_kb": outcome.peak_memory_kb,
        "cpu_seconds": outcome.cpu_seconds,
        "wall_seconds": outcome.wall_seconds,
        "attempts": attempts,
    }
    MinHashBand.objects.filter(blob=blob).delete()
    if outcome.ok:
        data = outcome.data
        languages = data.get("languages") or []
        top = languages[0] if languages else None
        blob.text = data["text"]
        blob.text_language = top["code"] if top and top["confidence"] >= LANGUAGE_CONFIDENCE else ""
        blob.page_count = data.get("page_count")
        blob.media_type = data.get("media_type") or blob.media_type
        blob.extraction_status = BLOB_DONE
        blob.extraction_note = "; ".join(data.get("notes") or [])[:2000]
        signature = minhash.signature(blob.text)
        near = near_duplicates(blob, signature) if signature else []
        defaults = {
            "status": "ingested",
            "reason_code": "",
            "reason": "",
            "kind": data.get("kind", ""),
            "ocr": bool(data.get("ocr")),
            "languages": languages,
            "metadata_suggestions": data.get("metadata") or {},
            "notes": data.get("notes") or [],
            "minhash": signature,
            "near_duplicates": near,
            **stats,
        }
        if signature:
            MinHashBand.objects.bulk_create(
                MinHashBand(blob=blob, band=i, value=v)
                for i, v in enumerate(minhash.bands(signature))
            )
    else:
        blob.text = ""
        blob.text_language = ""
        blob.extraction_status = BLOB_QUARANTINED
        blob.extraction_note = outcome.reason[:2000]
        defaults = {
            "status": "quarantined",
            "reason_code": outcome.code,
            "reason": outcome.reason,
            "languages": [],
            "minhash": None,
            "near_duplicates": [],
            **stats,
        }
    blob.save()
    extraction, _ = Extraction.objects.update_or_create(blob=blob, defaults=defaults)
    for record_id in (
        RecordFile.objects.filter(blob=blob).values_list("record_id", flat=True).distinct()
    ):
        record_index_changed(record_id)
    return extraction


def near_duplicates(blob: Blob, signature: bytes, limit: int = 5) -> list[dict]:
    """Other blobs whose text looks like a version of this one, most similar first."""
    wanted = list(enumerate(minhash.bands(signature)))
    match = Q()
    for band, value in wanted:
        match |= Q(band=band, value=value)
    candidates = set(
        MinHashBand.objects.filter(match).exclude(blob=blob).values_list("blob_id", flat=True)
    )
    threshold = ingestion_setting("NEAR_DUPLICATE_SIMILARITY")
    found = []
    for other in Extraction.objects.filter(blob_id__in=candidates).exclude(minhash=None):
        score = minhash.similarity(signature, bytes(other.minhash))
        if score >= threshold:
            found.append({"sha256": other.blob_id, "similarity": round(score, 3)})
    found.sort(key=lambda d: -d["similarity"])
    return found[:limit]
