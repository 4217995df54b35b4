"""Controlled vocabularies (SKOS-like): schemes and their concepts, labels per language."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .labels import pick_label


class Scheme(models.Model):
    """A concept scheme: audience, purpose, topic, method, resource type, region, country…"""

    id = models.CharField(primary_key=True, max_length=40)
    labels = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("vocabulary")
        verbose_name_plural = _("vocabularies")

    def __str__(self) -> str:
        return self.label("en")

    def label(self, language: str) -> str:
        return pick_label(self.labels, language) or self.id


class Concept(models.Model):
    """One concept of a scheme, identified by a stable code (never by a label)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="concepts")
    code = models.CharField(max_length=64)
    labels = models.JSONField(default=dict)
    alt_labels = models.JSONField(default=dict, blank=True)
    scope_note = models.JSONField(default=dict, blank=True)
    broader = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="narrower"
    )
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="concept_unique_code")
        ]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.code}"

    def label(self, language: str) -> str:
        return pick_label(self.labels, language) or self.code
