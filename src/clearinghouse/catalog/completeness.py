"""What a record needs before it is published (C5 workflow), defined once.

``record_change`` refuses to publish without these, and the analysis workflow page
lists what is missing with the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Record


@dataclass(frozen=True)
class Requirement:
    id: str
    label: Promise


#: The mandatory fields, in the order the workflow page lists them.
PUBLICATION_REQUIREMENTS = (
    Requirement("title", _("a title in the original language")),
    Requirement("abstract", _("an abstract (in any language)")),
    Requirement("audience", _("at least one audience")),
    Requirement("purpose", _("a purpose (awareness, capacity building)")),
)


class PublicationIncomplete(ValueError):
    """Publishing was refused; ``missing`` lists the unmet requirements."""

    def __init__(self, missing: list[Requirement]):
        self.missing = missing
        super().__init__("cannot publish, missing: " + ", ".join(r.id for r in missing))


def publication_missing(record: Record) -> list[Requirement]:
    """The requirements ``record`` does not meet yet (empty: it may be published)."""
    texts = list(record.texts.all())
    schemes = set(record.concepts.values_list("scheme_id", flat=True))
    met = {
        "title": any(t.title.strip() for t in texts if t.is_original)
        or any(t.title.strip() for t in texts if t.language == record.original_language),
        "abstract": any(t.abstract.strip() for t in texts),
        "audience": "audience" in schemes,
        "purpose": "purpose" in schemes,
    }
    return [r for r in PUBLICATION_REQUIREMENTS if not met[r.id]]


def check_publishable(record: Record) -> None:
    """Raise ``PublicationIncomplete`` unless ``record`` meets every requirement."""
    missing = publication_missing(record)
    if missing:
        raise PublicationIncomplete(missing)
