"""Analyst annotations, reviews and the review workflow (C5), kept apart from the record.

An ``Annotation`` is the head of a record's analysis; every edit adds an immutable
``AnnotationVersion`` (framework, audiences, purpose, depth, regional focus) with its
texts per language, so earlier versions stay readable. ``Review`` is one analyst's
effectiveness review against the rubric in ``rubric.py``; several analysts may review
one record. ``Assignment`` and ``WorkflowComment`` carry the review workflow; its
history is the audit trail of the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clearinghouse.catalog.models import Record


class Annotation(models.Model):
    """The analysis of one record: points at its latest version."""

    record = models.OneToOneField(
        Record, verbose_name=_("record"), on_delete=models.CASCADE, related_name="analysis"
    )
    current = models.OneToOneField(
        "AnnotationVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")

    def __str__(self) -> str:
        return f"annotation of record {self.record_id}"


class AnnotationVersion(models.Model):
    """One saved state of an annotation; never changed after it is written."""

    class Purpose(models.TextChoices):
        AWARENESS = "awareness", _("awareness")
        CAPACITY = "capacity-building", _("capacity building")
        BOTH = "both", _("awareness and capacity building")

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("analyst"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    note = models.CharField(_("change note"), max_length=300, blank=True)
    audiences = models.ManyToManyField(
        "vocabularies.Concept",
        verbose_name=_("audiences"),
        blank=True,
        related_name="+",
        limit_choices_to={"scheme_id": "audience"},
    )
    regions = models.ManyToManyField(
        "vocabularies.Concept",
        verbose_name=_("regional focus"),
        blank=True,
        related_name="+",
        limit_choices_to={"scheme_id__in": ["region", "country"]},
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    depth = models.CharField(_("depth"), max_length=16, choices=Record.Depth.choices, blank=True)
    duration = models.CharField(
        _("duration"), max_length=40, blank=True, help_text=_("ISO 8601 duration, e.g. PT8H, P4D")
    )
    #: {"outcomes": {"goal": "...", "strategy": "..."}, ...} over rubric.FRAMEWORK_COLUMNS.
    framework = models.JSONField(_("Appendix C framework"), default=dict, blank=True)
    is_sample = models.BooleanField(_("sample content"), default=False)

    class Meta:
        ordering = ["annotation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["annotation", "number"], name="annotation_version_number"
            )
        ]
        verbose_name = _("annotation version")
        verbose_name_plural = _("annotation versions")

    def __str__(self) -> str:
        return f"{self.annotation_id} v{self.number}"

    def cell(self, column: str, part: str) -> str:
        value = (self.framework or {}).get(column, {})
        return str(value.get(part, "")) if isinstance(value, dict) else ""


class AnnotationText(models.Model):
    """The analyst's abstract and annotation in one language, for one version."""

    version = models.ForeignKey(AnnotationVersion, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=35)
    abstract = models.TextField(_("analyst's abstract"), blank=True)
    annotation = models.TextField(_("annotation"), blank=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="annotation_text_language")
        ]
        verbose_name = _("annotation text")
        verbose_name_plural = _("annotation texts")

    def __str__(self) -> str:
        return f"{self.version} {self.language}"


class Review(models.Model):
    """One analyst's effectiveness review of a record against the rubric."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        COMPLETED = "completed", _("completed")

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    #: {criterion id: {"score": int or None, "evidence": str}} over rubric.RUBRIC.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True, editable=False)
    best_practice = models.BooleanField(_("best practice"), default=False)
    best_practice_reason = models.TextField(_("why it is a best practice"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    reviewed_at = models.DateTimeField(_("date"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample content"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["record", "reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "reviewer"], name="review_per_reviewer")
        ]
        indexes = [models.Index(fields=["status", "record"])]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review of record {self.record_id} by {self.reviewer_id}"


class Assignment(models.Model):
    """A record handed to an analyst for review; closed when done or reassigned."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="assignments")
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("analyst"),
        on_delete=models.PROTECT,
        related_name="analysis_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["analyst", "closed_at"])]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"record {self.record_id} to {self.analyst_id}"


class WorkflowComment(models.Model):
    """A staff comment on a record in the review workflow (never shown to the public)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="workflow_comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"comment on record {self.record_id}"


class CoverageClass(models.Model):
    """What the access policy looks at for a published record: tier, groups, embargo.

    The gap matrix's coverage tables count records per class; the viewer's rule decides
    class by class (``gaps.coverage``)."""

    key = models.CharField(max_length=600, unique=True)
    tier = models.CharField(max_length=20)
    group_ids = models.CharField(max_length=500, blank=True)  # "3,7": sorted ids
    embargo_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


#: The key of a cell's count: access class, audience, topic, purpose, year.
COVERAGE_KEY = ["coverage_class", "audience_id", "topic_id", "purpose_id", "year"]


class CoverageKey(models.Model):
    coverage_class = models.ForeignKey(CoverageClass, on_delete=models.PROTECT, related_name="+")
    audience_id = models.BigIntegerField()
    topic_id = models.BigIntegerField()
    purpose_id = models.BigIntegerField()
    year = models.IntegerField(null=True)

    class Meta:
        abstract = True


class CoverageMember(CoverageKey):
    """One published record carrying one (audience, topic, purpose): derived data, kept
    by ``gaps.coverage.sync`` from the index outbox (the records stay the truth)."""

    record_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=COVERAGE_KEY, name="analysis_cov_member_key"),
            # Covering: a slice's members are read by record without touching the table.
            models.Index(
                fields=["record_id", *COVERAGE_KEY[1:]], name="analysis_cov_member_record"
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id}: {self.audience_id}/{self.topic_id}/{self.purpose_id}"


class CoverageCount(CoverageKey):
    """How many ``CoverageMember`` rows share one (class, audience, topic, purpose, year)."""

    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=COVERAGE_KEY, name="analysis_cov_count_key")]

    def __str__(self) -> str:
        return f"{self.audience_id}/{self.topic_id}/{self.purpose_id} {self.year}: {self.count}"


class CoverageLanguage(models.Model):
    """A language of a published record as the gap matrix's language filter reads it (the
    original language, the texts' languages, language concepts; lower case)."""

    record_id = models.BigIntegerField()
    language = models.CharField(max_length=35)

    class Meta:
        indexes = [
            models.Index(fields=["record_id", "language"], name="analysis_cov_lang_record"),
            models.Index(fields=["language", "record_id"], name="analysis_cov_lang_language"),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id}: {self.language}"


class CoverageLanguageCount(CoverageKey):
    """``CoverageCount`` per language: the members of records in that language."""

    language = models.CharField(max_length=35)
    count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["language", *COVERAGE_KEY], name="analysis_cov_lang_key")]

    def __str__(self) -> str:
        return f"{self.language} {self.audience_id}/{self.topic_id}/{self.purpose_id}: {self.count}"


class CoverageCredit(models.Model):
    """One published record about one topic, credited to one agent (creator): who to ask
    about a gap. Derived like ``CoverageMember``."""

    record_id = models.BigIntegerField(db_index=True)
    coverage_class = models.ForeignKey(CoverageClass, on_delete=models.PROTECT, related_name="+")
    topic_id = models.BigIntegerField()
    agent_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["topic_id", "coverage_class", "agent_id"], name="analysis_cov_credit_key"
            )
        ]

    def __str__(self) -> str:
        return f"record {self.record_id}: topic {self.topic_id} by agent {self.agent_id}"


class CoverageCreditCount(models.Model):
    """How many ``CoverageCredit`` rows share one (class, topic, agent)."""

    coverage_class = models.ForeignKey(CoverageClass, on_delete=models.PROTECT, related_name="+")
    topic_id = models.BigIntegerField()
    agent_id = models.BigIntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["topic_id", "coverage_class", "agent_id"],
                name="analysis_cov_credit_count",
            )
        ]

    def __str__(self) -> str:
        return f"topic {self.topic_id} by agent {self.agent_id}: {self.count}"
