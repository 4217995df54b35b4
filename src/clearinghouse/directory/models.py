"""The roster (C8): people and organisations that create, provide or deliver training.

One model, ``Agent``, for both (a peace mission is an organisation of type ``mission``), so
every credit on a record (``catalog.RecordCreator``) points at the same rows the roster lists.
A person's contact details live apart in ``PrivateContact``: no public serializer can
reach them by accident, and erasure deletes one row. See docs/decisions/0003-roster.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clearinghouse.vocabularies.labels import pick_label


class Discipline(models.TextChoices):
    """The professions a briefing team draws on (the report: law enforcement, prosecution,
    NGOs, military and others)."""

    LAW_ENFORCEMENT = "law-enforcement", _("law enforcement")
    PROSECUTION = "prosecution-legal", _("prosecution and legal")
    NGO = "ngo-victim-services", _("NGO and victim services")
    MILITARY = "military-pko", _("military and peacekeeping")
    HEALTH = "health", _("health")
    MEDIA = "media", _("media")
    RESEARCH = "academic-research", _("academic research")
    TRAINING_DESIGN = "training-design", _("training design")


class OrgRole(models.TextChoices):
    """What an organisation does about trafficking."""

    SHELTERING = "sheltering", _("sheltering")
    VICTIM_ASSISTANCE = "victim-assistance", _("victim assistance")
    EDUCATION = "education", _("education and training")
    ADVOCACY = "advocacy", _("advocacy")
    LAW_ENFORCEMENT = "law-enforcement", _("law enforcement")
    PROSECUTION = "prosecution", _("prosecution and justice")
    RESEARCH = "research", _("research")
    COORDINATION = "coordination", _("policy and coordination")
    REPATRIATION = "repatriation", _("return and reintegration")
    HEALTH = "health", _("health")
    FUNDING = "funding", _("funding")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("native")
    FLUENT = "fluent", _("fluent")
    WORKING = "working", _("working knowledge")
    BASIC = "basic", _("basic")


class Agent(models.Model):
    """A person or an organisation (a peace mission is an organisation of type ``mission``)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANISATION = "organisation", _("organisation")

    class OrgType(models.TextChoices):
        UN_ENTITY = "un-entity", _("UN entity")
        IGO = "igo", _("intergovernmental organisation")
        REGIONAL = "regional-organisation", _("regional organisation")
        NGO_INTERNATIONAL = "ngo-international", _("international NGO")
        NGO_LOCAL = "ngo-local", _("local NGO")
        GOVERNMENT = "government", _("government")
        MISSION = "mission", _("peace operation")
        ACADEMIC = "academic", _("academic")
        MEDIA = "media", _("media")
        PRIVATE = "private-contractor", _("private contractor")
        MILITARY_UNIT = "military-unit", _("military unit")
        LEGISLATURE = "legislature", _("legislature")

    key = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    names = models.JSONField(_("name per language"), default=dict, blank=True)
    acronym = models.CharField(max_length=40, blank=True)
    org_type = models.CharField(max_length=40, choices=OrgType.choices, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    #: A person's current main affiliation (history and other affiliations: ``Affiliation``).
    affiliation = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=8, blank=True, help_text=_("ISO 3166-1 alpha-2"))
    #: Countries of work (ISO 3166-1 alpha-2).
    countries = models.JSONField(default=list, blank=True)
    url = models.URLField(max_length=500, blank=True)
    provenance = models.TextField(blank=True)
    is_sample = models.BooleanField(default=False)

    # --- roster profile (public fields) --------------------------------------------------
    #: Organisations: ``OrgRole`` codes.
    roles = models.JSONField(_("roles"), default=list, blank=True)
    #: People: ``Discipline`` codes.
    disciplines = models.JSONField(_("disciplines"), default=list, blank=True)
    #: Codes of the catalogue's topic and audience vocabularies.
    topics = models.JSONField(_("expertise topics"), default=list, blank=True)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    #: ``[{"code": "ru", "level": "fluent"}, …]`` (ISO 639-1, ``LanguageLevel``).
    languages = models.JSONField(_("languages"), default=list, blank=True)
    #: Codes of the region vocabulary.
    regions = models.JSONField(_("regions"), default=list, blank=True)
    available_as_trainer = models.BooleanField(_("available as trainer"), default=False)
    #: ``[["2026-07-01", "2026-07-31"], …]``: periods the person cannot deliver training.
    unavailable = models.JSONField(_("unavailable periods"), default=list, blank=True)
    profile_is_sample = models.BooleanField(
        _("roster profile is sample data"),
        default=False,
        help_text=_("disciplines, languages and availability invented for the demo"),
    )

    # --- consent (people) ------------------------------------------------------------------
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_keep_authorship = models.BooleanField(
        _("keep authorship after erasure"),
        default=False,
        help_text=_("the person agreed that their name stays on materials they authored"),
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person or organisation")
        verbose_name_plural = _("people and organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        name = "directory:person" if self.kind == self.Kind.PERSON else "directory:organisation"
        return reverse(name, args=[self.pk])

    def display_name(self, language: str) -> str:
        return pick_label(self.names, language) or self.name

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.PERSON

    @property
    def language_codes(self) -> list[str]:
        return [item.get("code", "") for item in self.languages if isinstance(item, dict)]


class Affiliation(models.Model):
    """One affiliation of a person over time (the current main one is ``Agent.affiliation``)."""

    person = models.ForeignKey(
        Agent, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Agent, on_delete=models.CASCADE, related_name="affiliated", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    start = models.CharField(_("from"), max_length=10, blank=True, help_text=_("YYYY[-MM[-DD]]"))
    end = models.CharField(_("until"), max_length=10, blank=True, help_text=_("YYYY[-MM[-DD]]"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.person} — {self.organisation}"


class PrivateContact(models.Model):
    """A person's private details: seen only by those ``directory.policies`` allows."""

    person = models.OneToOneField(Agent, on_delete=models.CASCADE, related_name="private")
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("private contact details")
        verbose_name_plural = _("private contact details")

    def __str__(self) -> str:
        return f"{self.person}"
