"""Sample roster attributes for the demo (``sample_roster.yaml``): every person and
organisation touched is flagged ``profile_is_sample``; no contact detail is invented."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..models import Affiliation, Agent

SAMPLE_FILE = Path(__file__).with_name("sample_roster.yaml")


def load_sample_roster(path: Path = SAMPLE_FILE) -> list[str]:
    """Apply the sample attributes; returns warnings (unknown keys)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    warnings = []
    for section, kind in (
        ("people", Agent.Kind.PERSON),
        ("organisations", Agent.Kind.ORGANISATION),
    ):
        for key, item in (data.get(section) or {}).items():
            updated = Agent.objects.filter(key=key, kind=kind).update(
                disciplines=item.get("disciplines") or [],
                roles=item.get("roles") or [],
                topics=item.get("topics") or [],
                audiences=item.get("audiences") or [],
                languages=item.get("languages") or [],
                regions=item.get("regions") or [],
                available_as_trainer=bool(item.get("available", False)),
                unavailable=item.get("unavailable") or [],
                profile_is_sample=True,
            )
            if not updated:
                warnings.append(f"sample roster: unknown {section[:-1]} {key!r}")
    return warnings


def record_affiliations(source: str = "Seed report, Appendix A (May 2002)") -> int:
    """One ``Affiliation`` row per person's current affiliation, with their title then."""
    created = 0
    for person in Agent.objects.filter(kind=Agent.Kind.PERSON, affiliation__isnull=False):
        _, new = Affiliation.objects.get_or_create(
            person=person,
            organisation_id=person.affiliation_id,
            defaults={"title": person.title, "source": source},
        )
        created += int(new)
    return created
