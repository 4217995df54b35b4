"""Catalogue records (C1): one model with a kind, texts per language, creators, files, history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from clearinghouse.vocabularies.labels import fallback_chain


class Record(models.Model):
    class Kind(models.TextChoices):
        TRAINING_MATERIAL = "training_material", _("training material")
        PUBLICATION = "publication", _("research report / publication")
        INSTRUMENT = "instrument", _("legal or policy instrument")
        DATASET = "dataset", _("dataset")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Tier(models.TextChoices):
        PUBLIC = "public", _("public")
        REGISTERED = "registered", _("registered users")
        RESTRICTED = "restricted", _("restricted to groups")

    class Depth(models.TextChoices):
        BRIEFING = "briefing", _("briefing (under a day)")
        ONE_DAY = "one-day", _("one-day summary")
        MULTI_DAY = "multi-day", _("multi-day course")
        SELF_PACED = "self-paced", _("self-paced")
        REFERENCE = "reference", _("reference material")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    resource_type = models.ForeignKey(
        "vocabularies.Concept",
        verbose_name=_("resource type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"scheme_id": "resource_type"},
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    access_tier = models.CharField(
        _("access"), max_length=16, choices=Tier.choices, default=Tier.PUBLIC
    )
    access_groups = models.ManyToManyField(
        Group, verbose_name=_("groups with access"), blank=True, related_name="+"
    )
    embargo_until = models.DateTimeField(_("embargoed until"), null=True, blank=True)
    owner_organisation = models.ForeignKey(
        "directory.Agent",
        verbose_name=_("contributed by organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributed_records",
        limit_choices_to={"kind": "organisation"},
        help_text=_("the partner organisation that submitted this record, if any"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    original_language = models.CharField(
        _("original language"), max_length=35, help_text=_("BCP 47 tag, e.g. en, fr, sr-Latn")
    )
    concepts = models.ManyToManyField(
        "vocabularies.Concept",
        verbose_name=_("audiences, purposes, topics, methods, places and languages"),
        blank=True,
        related_name="records",
    )

    date_issued = models.CharField(
        _("date issued"),
        max_length=10,
        blank=True,
        help_text=_("ISO 8601: 2002, 2002-05, 2002-05-09"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, db_index=True, editable=False
    )
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    place = models.CharField(_("place of publication"), max_length=200, blank=True)
    container = models.CharField(
        _("published in"), max_length=400, blank=True, help_text=_("journal, series, hearing")
    )
    identifier = models.CharField(
        _("source identifier"),
        max_length=200,
        blank=True,
        null=True,
        unique=True,
        help_text=_("natural key: DOI, ISBN, harvested id or demo key"),
    )
    duration = models.CharField(
        _("duration"), max_length=40, blank=True, help_text=_("ISO 8601 duration, e.g. PT8H, P4D")
    )
    depth = models.CharField(_("depth"), max_length=16, choices=Depth.choices, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    holding_library = models.CharField(_("holding library"), max_length=200, blank=True)
    shelfmark = models.CharField(_("shelfmark"), max_length=100, blank=True)
    provenance = models.TextField(_("provenance"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )
    is_sample = models.BooleanField(
        _("sample content"), default=False, help_text=_("written for the demo; not real material")
    )
    is_synthetic = models.BooleanField(_("synthetic (benchmarks)"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("record")
        verbose_name_plural = _("records")
        indexes = [models.Index(fields=["status", "access_tier"])]

    def __str__(self) -> str:
        text = self.text_for("en")
        return text.title if text else f"record {self.pk}"

    def text_for(self, language: str) -> RecordText | None:
        """The text version to show a reader of ``language``: theirs, else the original."""
        texts = list(self.texts.all())
        by_lang = {t.language.lower(): t for t in texts}
        # The reader's language and its close kin; English only for an English reader
        # (otherwise the original, not an English translation, is the better fallback).
        chain = fallback_chain(language)
        own = chain if chain[0].split("-")[0] == "en" else [c for c in chain if c != "en"]
        for code in own:
            if code in by_lang:
                return by_lang[code]
        for t in texts:
            if t.is_original:
                return t
        return by_lang.get("en") or (texts[0] if texts else None)

    def concepts_of(self, scheme: str) -> list:
        return [c for c in self.concepts.all() if c.scheme_id == scheme]


class RecordText(models.Model):
    """Title, subtitle and abstract of a record in one language, with translation provenance."""

    class Method(models.TextChoices):
        ORIGINAL = "original", _("original")
        HUMAN = "human", _("human translation")
        MACHINE = "machine", _("machine translation")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=35)
    title = models.CharField(_("title"), max_length=1000)
    subtitle = models.CharField(_("subtitle"), max_length=1000, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    annotation = models.TextField(
        _("annotation"), blank=True, help_text=_("a cataloguer's note on the material")
    )
    is_original = models.BooleanField(_("original"), default=False)
    method = models.CharField(
        _("made by"), max_length=10, choices=Method.choices, default=Method.ORIGINAL
    )
    source_language = models.CharField(_("translated from"), max_length=35, blank=True)
    translator = models.CharField(
        _("translated by"),
        max_length=200,
        blank=True,
        help_text=_("the person, or the machine translation engine"),
    )
    reviewed = models.BooleanField(_("translation reviewed"), default=False)

    class Meta:
        ordering = ["-is_original", "language"]
        constraints = [
            models.UniqueConstraint(fields=["record", "language"], name="record_text_language")
        ]
        verbose_name = _("text")
        verbose_name_plural = _("texts per language")

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"


class RecordCreator(models.Model):
    class Role(models.TextChoices):
        AUTHOR = "author", _("author")
        EDITOR = "editor", _("editor")
        ORGANISER = "organiser", _("organiser")
        CORPORATE_AUTHOR = "corporate-author", _("corporate author")
        PUBLISHER = "publisher", _("publisher")
        PROVIDER = "provider", _("provider")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="creators")
    agent = models.ForeignKey(
        "directory.Agent",
        verbose_name=_("person or organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credits",
    )
    name = models.CharField(
        _("name as given"),
        max_length=300,
        blank=True,
        help_text=_("used when the creator is not in the directory"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUTHOR)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("creator")
        verbose_name_plural = _("creators")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.agent.name if self.agent_id else self.name


class Blob(models.Model):
    """File content stored once under its SHA-256, with what was extracted from it."""

    sha256 = models.CharField(primary_key=True, max_length=64)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)
    text_language = models.CharField(max_length=35, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    extraction_status = models.CharField(max_length=20, default="pending")
    extraction_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class RecordFile(models.Model):
    """A file attached to a record; the name is metadata, the content is a Blob."""

    class Tier(models.TextChoices):
        INHERIT = "inherit", _("same as the record")
        PUBLIC = "public", _("public")
        REGISTERED = "registered", _("registered users")
        RESTRICTED = "restricted", _("restricted to groups")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="uses")
    original_name = models.CharField(_("original file name"), max_length=500)
    label = models.CharField(_("label"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    access_tier = models.CharField(
        _("access"), max_length=16, choices=Tier.choices, default=Tier.INHERIT
    )
    embargo_until = models.DateTimeField(
        _("embargoed until"),
        null=True,
        blank=True,
        help_text=_("the file opens at this moment, or when the record does if later"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.original_name


class RecordVersion(models.Model):
    """A snapshot of a record after each change: the change history."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="record_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"
