"""People and organisations that create, provide or hold materials (the roster grows from here)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from clearinghouse.vocabularies.labels import pick_label


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
    affiliation = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=8, blank=True, help_text=_("ISO 3166-1 alpha-2"))
    countries = models.JSONField(default=list, blank=True)
    url = models.URLField(max_length=500, blank=True)
    provenance = models.TextField(blank=True)
    is_sample = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person or organisation")
        verbose_name_plural = _("people and organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def display_name(self, language: str) -> str:
        return pick_label(self.names, language) or self.name
