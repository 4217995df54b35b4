"""``clearinghouse match``: materials, providers and a briefing team for a training need.

Runs as an anonymous reader (public materials, public profile fields only), like
``clearinghouse search``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.directory.matching import Match, match
from clearinghouse.directory.params import need_from


class Command(BaseCommand):
    help = "Propose materials, providers and a briefing team for a training need."

    def add_arguments(self, parser):
        for name in ("audience", "topic", "language", "discipline"):
            parser.add_argument(
                f"--{name}", action="append", default=[], help=f"{name} code(s), repeat or comma"
            )
        parser.add_argument("--country", default="", help="ISO 3166-1 alpha-2")
        parser.add_argument("--mission", default="", help="a mission's directory key, e.g. unmik")
        parser.add_argument("--purpose", default="")
        parser.add_argument("--start", default="", help="YYYY-MM-DD")
        parser.add_argument("--end", default="", help="YYYY-MM-DD")
        parser.add_argument("--team-size", type=int, default=6)
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        params = QueryDict(mutable=True)
        for name in ("audience", "topic", "language", "discipline"):
            params.setlist(name, options[name])
        for name in ("country", "mission", "purpose", "start", "end"):
            params[name] = options[name]
        params["team_size"] = str(options["team_size"])
        need = need_from(params)
        if not (need.audiences or need.topics or need.languages or need.country or need.mission):
            raise CommandError("give at least one of --audience, --topic, --language, --country")
        result = match(ANONYMOUS, need)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(result), ensure_ascii=False, indent=2))
            return
        self.stdout.write(as_text(result))


def as_json(result: Match) -> dict:
    """Public fields only: the CLI answers as an anonymous reader."""
    return {
        "materials": [
            {"id": p.item.pk, "identifier": p.item.identifier, "score": p.score, "why": p.reasons}
            for p in result.materials
        ],
        "providers": [
            {"key": p.item.key, "name": p.item.name, "score": p.score, "why": p.reasons}
            for p in result.providers
        ],
        "team": [
            {
                "key": p.item.key,
                "name": p.item.name,
                "title": p.item.title,
                "disciplines": p.item.disciplines,
                "affiliation": p.item.affiliation.key if p.item.affiliation_id else None,
                "sample_profile": p.item.profile_is_sample,
                "score": p.score,
                "why": p.reasons,
            }
            for p in result.team
        ],
        "uncovered": {
            "disciplines": result.uncovered_disciplines,
            "languages": result.uncovered_languages,
        },
    }


def as_text(result: Match) -> str:
    lines = ["Materials:"]
    for p in result.materials:
        title = p.item.text_for("en")
        lines.append(f"  {p.score:5.1f}  {title.title if title else p.item.identifier}")
        lines.append(f"         {'; '.join(p.reasons)}")
    lines.append("Providers:")
    for p in result.providers:
        lines.append(f"  {p.score:5.1f}  {p.item}  — {'; '.join(p.reasons)}")
    lines.append("Briefing team:")
    for p in result.team:
        sample = " [sample profile]" if p.item.profile_is_sample else ""
        lines.append(f"  {p.score:5.1f}  {p.item.name}{sample}  — {'; '.join(p.reasons)}")
    if result.uncovered_disciplines or result.uncovered_languages:
        missing = result.uncovered_disciplines + result.uncovered_languages
        lines.append(f"Not covered: {', '.join(missing)}")
    return "\n".join(lines) + "\n"
