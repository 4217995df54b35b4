"""What interoperability keeps: OAI tombstones, import runs, harvest sources and runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicExposure(models.Model):
    """A record the public has been able to see: the ledger OAI-PMH tombstones come from.

    Written whenever a record changes while published and public. When the record is then
    deleted, withdrawn, restricted or unpublished, ``gone_at`` is set and the row is a
    tombstone: OAI-PMH reports the record as deleted (with the sets it had) so harvesters
    drop their copy. If the record becomes public again, ``gone_at`` is cleared. No foreign
    key: the record itself may be gone.
    """

    record_id = models.BigIntegerField(unique=True)
    sets = models.JSONField(default=list, blank=True)
    gone_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["record_id"]

    def __str__(self) -> str:
        state = f"gone {self.gone_at:%Y-%m-%d} ({self.reason})" if self.gone_at else "public"
        return f"record {self.record_id}: {state}"


class ImportRun(models.Model):
    """One import of one file: its cursor makes an interrupted import resumable."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        DRY_RUN = "dry-run", _("dry run")

    format = models.CharField(max_length=20)
    file_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    record_status = models.CharField(max_length=16, default="in_review")
    record_access = models.CharField(max_length=16, default="public")
    #: Entries 1..cursor are done (committed with the cursor, chunk by chunk).
    cursor = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")

    def __str__(self) -> str:
        return f"{self.format} {self.file_name} ({self.status})"


class HarvestSource(models.Model):
    """A partner repository harvested over OAI-PMH, on demand or on a schedule."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    base_url = models.URLField(_("OAI-PMH base URL"), max_length=500)
    set_spec = models.CharField(_("set"), max_length=200, blank=True)
    metadata_prefix = models.CharField(
        _("metadata format"),
        max_length=20,
        default="oai_dc",
        choices=[("oai_dc", "oai_dc"), ("marcxml", "marcxml")],
    )
    enabled = models.BooleanField(_("harvest on schedule"), default=True)
    interval_hours = models.PositiveIntegerField(_("every (hours)"), default=24)
    record_status = models.CharField(_("status of new records"), max_length=16, default="in_review")
    #: The responseDate of the last complete harvest: the next one asks from there.
    harvested_until = models.CharField(max_length=30, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("harvest source")

    def __str__(self) -> str:
        return self.name


class HarvestRun(models.Model):
    """One harvest of one source: what it changed, or why it failed (nothing is half-applied)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(
        HarvestSource, null=True, blank=True, on_delete=models.CASCADE, related_name="runs"
    )
    base_url = models.CharField(max_length=500)
    set_spec = models.CharField(max_length=200, blank=True)
    from_date = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("harvest run")

    def __str__(self) -> str:
        return f"{self.base_url} ({self.status})"


class OfflineEditionJob(models.Model):
    """One offline edition built in the background from the staff page, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    records = models.PositiveIntegerField(default=0)
    size = models.BigIntegerField(default=0)
    version = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offline edition")

    def __str__(self) -> str:
        return f"offline edition {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
