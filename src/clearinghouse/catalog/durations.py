"""ISO 8601 durations (P4D, PT8H, PT90M) in words, in the reader's language."""

from __future__ import annotations

import re

from django.utils.translation import ngettext

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$"
)


def describe_duration(value: str) -> str:
    """'PT8H' → '8 hours'; anything unparseable is returned unchanged."""
    match = _DURATION.match((value or "").strip().upper())
    if not value or not match or not any(match.groupdict().values()):
        return value or ""
    parts = []
    units = {
        "weeks": lambda n: ngettext("%(n)d week", "%(n)d weeks", n),
        "days": lambda n: ngettext("%(n)d day", "%(n)d days", n),
        "hours": lambda n: ngettext("%(n)d hour", "%(n)d hours", n),
        "minutes": lambda n: ngettext("%(n)d minute", "%(n)d minutes", n),
    }
    for name, template in units.items():
        amount = match.group(name)
        if amount:
            n = int(amount)
            parts.append(template(n) % {"n": n})
    return ", ".join(parts)
