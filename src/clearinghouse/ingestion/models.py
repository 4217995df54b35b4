"""Ingestion state: batches of submitted files, one job per file, one extraction per blob.

What is extracted for search (text, language, page count, status) is written onto
``catalog.Blob``; everything else extraction learns lives here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IngestBatch(models.Model):
    """Files submitted together (one upload, one ``clearinghouse ingest`` run, one API call)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("staff upload")
        CLI = "cli", _("command line")
        API = "api", _("API")

    source = models.CharField(max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.ForeignKey(
        "catalog.Record",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("attach every file to this record; empty: one new draft record per file"),
    )
    language_hint = models.CharField(max_length=35, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ingest batch")
        verbose_name_plural = _("ingest batches")

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.get_source_display()})"


class IngestJob(models.Model):
    """One submitted file on its way to a record: pending → running → ingested | quarantined."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        INGESTED = "ingested", _("ingested")
        QUARANTINED = "quarantined", _("quarantined")

    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="jobs")
    blob = models.ForeignKey("catalog.Blob", on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("file name (display form)"), max_length=500)
    name_problem = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.TextField(_("reason / outcome"), blank=True)
    record_file = models.ForeignKey(
        "catalog.RecordFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ingest job")
        verbose_name_plural = _("ingest jobs")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class Extraction(models.Model):
    """What the sandbox learned from one blob's content, beyond its text."""

    blob = models.OneToOneField(
        "catalog.Blob", primary_key=True, on_delete=models.CASCADE, related_name="extraction"
    )
    status = models.CharField(max_length=12)  # ingested | quarantined
    reason_code = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    kind = models.CharField(max_length=20, blank=True)
    ocr = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    metadata_suggestions = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    minhash = models.BinaryField(null=True, blank=True)
    near_duplicates = models.JSONField(default=list, blank=True)
    peak_memory_kb = models.PositiveIntegerField(default=0)
    cpu_seconds = models.FloatField(default=0)
    wall_seconds = models.FloatField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("extraction")
        verbose_name_plural = _("extractions")

    def __str__(self) -> str:
        return f"{self.blob_id[:12]} {self.status}"


class MinHashBand(models.Model):
    """One LSH band of a blob's MinHash: blobs sharing a band are near-duplicate candidates."""

    blob = models.ForeignKey("catalog.Blob", on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "value"], name="ingest_minhash_band")]
        constraints = [
            models.UniqueConstraint(fields=["blob", "band"], name="ingest_minhash_blob_band")
        ]

    def __str__(self) -> str:
        return f"{self.blob_id[:12]} band {self.band}"
