"""Reading a training need and roster filters from query parameters (pages, API, CLI)."""

from __future__ import annotations

import datetime as dt

from .matching import Need

MAX_CODES = 10


def text_param(params, name: str, limit: int) -> str:
    """A bounded query parameter without NUL (no database text holds it)."""
    return params.get(name, "").replace("\x00", "").strip()[:limit]


def codes_param(params, name: str) -> list[str]:
    values = []
    for raw in [v.replace("\x00", "") for v in params.getlist(name)[:MAX_CODES]]:
        values += [v.strip()[:60] for v in raw.split(",") if v.strip()]
    return list(dict.fromkeys(values))[:MAX_CODES]


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def need_from(params) -> Need:
    size = text_param(params, "team_size", 2) or "6"
    return Need(
        audiences=codes_param(params, "audience"),
        topics=codes_param(params, "topic"),
        languages=codes_param(params, "language"),
        country=text_param(params, "country", 8).upper(),
        mission=text_param(params, "mission", 80),
        purpose=text_param(params, "purpose", 40),
        start=_date(text_param(params, "start", 10)),
        end=_date(text_param(params, "end", 10)),
        team_size=int(size) if size.isdigit() else 6,
        disciplines=codes_param(params, "discipline") or list(Need().disciplines),
    )
