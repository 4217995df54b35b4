"""Loading the demo catalogue: the seed report, its references, organisations, missions,
people (Appendix A) and sample training materials (flagged ``is_sample``).

Idempotent: records are keyed ``demo:<key>``, agents by their key.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from clearinghouse.directory.demo.loader import load_sample_roster, record_affiliations
from clearinghouse.directory.models import Agent
from clearinghouse.vocabularies.models import Concept

from ..models import Record, RecordCreator, RecordText
from ..services import CreatorInput, RecordInput, TextInput, file_attach_text, record_upsert

DEMO_FILE = Path(__file__).with_name("seed_catalogue.yaml")
SCHEME_KEYS = {
    "audiences": "audience",
    "purposes": "purpose",
    "topics": "topic",
    "methods": "method",
    "countries": "country",
    "regions": "region",
    "languages": "language",
}


def seed_dir() -> Path:
    """Where the seed report's text lives (``../shared/seed`` beside the checkout)."""
    configured = os.environ.get("CLEARINGHOUSE_SEED_DIR")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "seed"


@dataclass
class DemoReport:
    agents: int = 0
    records: int = 0
    samples: int = 0
    files: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"demo catalogue: {self.records} records ({self.samples} sample), "
            f"{self.agents} people and organisations, {self.files} files"
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _agent(key: str, kind: str, item: dict) -> Agent:
    name = item.get("name")
    names = name if isinstance(name, dict) else {"en": name or key}
    agent, _ = Agent.objects.update_or_create(
        key=key,
        defaults={
            "kind": kind,
            "name": names.get("en") or next(iter(names.values())),
            "names": names,
            "acronym": item.get("acronym") or "",
            "org_type": item.get("type") or ("mission" if kind == "mission" else ""),
            "title": item.get("title") or "",
            "city": item.get("city") or "",
            "country": item.get("country") or "",
            "countries": item.get("countries") or [],
            "url": item.get("url") or "",
            "provenance": f"Seed report: {item['where']}" if item.get("where") else "",
            "is_sample": bool(item.get("sample", False)),
        },
    )
    return agent


def _load_agents(data: dict, report: DemoReport) -> dict[str, Agent]:
    agents: dict[str, Agent] = {}
    for item in data.get("organisations", []) or []:
        agents[item["key"]] = _agent(item["key"], Agent.Kind.ORGANISATION, item)
    for item in data.get("missions", []) or []:
        item = {**item, "type": "mission"}
        agents[item["key"]] = _agent(item["key"], Agent.Kind.ORGANISATION, item)
    for item in data.get("people", []) or []:
        agents[item["key"]] = _agent(item["key"], Agent.Kind.PERSON, item)
    for items in (data.get("organisations", []), data.get("people", [])):
        for item in items or []:
            link = item.get("parent") or item.get("affiliation")
            if link and link in agents:
                field_name = "parent" if item.get("parent") else "affiliation"
                Agent.objects.filter(pk=agents[item["key"]].pk).update(**{field_name: agents[link]})
            elif link:
                report.warnings.append(f"{item['key']}: unknown organisation {link!r}")
    report.agents = len(agents)
    return agents


def _known_codes() -> dict[str, set[str]]:
    known: dict[str, set[str]] = {}
    for scheme, code in Concept.objects.values_list("scheme_id", "code"):
        known.setdefault(scheme, set()).add(code)
    return known


def _record_input(item: dict, agents: dict[str, Agent], known, report: DemoReport) -> RecordInput:
    original = item["original_language"]
    texts = []
    for language, text in (item.get("texts") or {}).items():
        translation = text.get("translation") or item.get("translations", {}).get(language) or {}
        is_original = language == original
        texts.append(
            TextInput(
                language=language,
                title=text["title"].strip(),
                subtitle=(text.get("subtitle") or "").strip(),
                abstract=(text.get("abstract") or "").strip(),
                is_original=is_original,
                method=RecordText.Method.ORIGINAL
                if is_original
                else translation.get("method", RecordText.Method.HUMAN),
                source_language="" if is_original else translation.get("source_language", original),
                translator="" if is_original else translation.get("translator", ""),
                reviewed=bool(translation.get("reviewed", False)),
            )
        )
    creators = []
    for creator in item.get("creators") or []:
        role = creator.get("role", RecordCreator.Role.AUTHOR)
        key = creator.get("person") or creator.get("organisation")
        if key and key in agents:
            creators.append(CreatorInput(role=role, agent_id=agents[key].pk))
        elif key:
            report.warnings.append(f"{item['key']}: unknown creator {key!r}")
            creators.append(CreatorInput(role=role, name=key))
        elif creator.get("name"):
            creators.append(CreatorInput(role=role, name=creator["name"]))
    concepts: dict[str, list[str]] = {}
    for key, scheme in SCHEME_KEYS.items():
        codes = []
        for code in item.get(key) or []:
            code = str(code)
            if code in known.get(scheme, set()):
                codes.append(code)
            else:
                report.warnings.append(f"{item['key']}: unknown {scheme} {code!r} skipped")
        concepts[scheme] = codes
    if item.get("sample"):
        provenance = item.get("provenance") or (
            "Sample record written for the TIP Clearinghouse demo; not a real training material."
        )
    else:
        cited = item.get("cited_in")
        provenance = item.get("provenance") or (
            f"Cited in the seed report (UNICRI/TraCCC, Turin 2002), {cited}."
            if cited
            else "From the seed report (UNICRI/TraCCC, Turin 2002)."
        )
    access = item.get("access", "public")
    group_ids = []
    if access == "restricted":
        from django.contrib.auth.models import Group

        for name in item.get("groups") or []:
            group, _ = Group.objects.get_or_create(name=name)
            group_ids.append(group.pk)
    resource_type = item.get("resource_type")
    if resource_type and resource_type not in known.get("resource_type", set()):
        report.warnings.append(f"{item['key']}: unknown resource type {resource_type!r}")
        resource_type = None
    return RecordInput(
        identifier=f"demo:{item['key']}",
        kind=item["kind"],
        original_language=original,
        texts=texts,
        resource_type=resource_type,
        status=Record.Status.PUBLISHED,
        access_tier=access,
        access_group_ids=group_ids,
        concepts=concepts,
        creators=creators,
        attributes={
            "date_issued": str(item.get("date") or ""),
            "publisher": item.get("publisher") or "",
            "place": item.get("place") or "",
            "container": item.get("container") or "",
            "duration": item.get("duration") or "",
            "depth": item.get("depth") or "",
            "licence": item.get("licence") or "",
            "links": item.get("links") or [],
            "provenance": provenance,
            "is_sample": bool(item.get("sample", False)),
            "holding_library": item.get("holding_library") or "",
            "shelfmark": item.get("shelfmark") or "",
        },
    )


def _attach_once(record: Record, text: str, name: str, language: str, report: DemoReport) -> None:
    if not record.files.filter(original_name=name).exists():
        file_attach_text(record=record, text=text, name=name, language=language)
    report.files += 1


def load_demo(stdout=None, path: Path = DEMO_FILE) -> DemoReport:
    """Load (or refresh) the demo catalogue from ``path``."""
    out = stdout or sys.stdout
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = DemoReport()
    known = _known_codes()
    with transaction.atomic():
        agents = _load_agents(data, report)
        record_affiliations()
        report.warnings += load_sample_roster()
    for item in data.get("records", []) or []:
        with transaction.atomic():
            record = record_upsert(
                data=_record_input(item, agents, known, report), summary="demo catalogue"
            )
            report.records += 1
            report.samples += int(bool(item.get("sample")))
            if item.get("body"):
                _attach_once(
                    record, item["body"], f"{item['key']}.txt", item["original_language"], report
                )
            if item.get("seed_file"):
                _attach_seed_report(record, report)
    out.write(f"loaded {report.records} demo records\n")
    return report


def _attach_seed_report(record: Record, report: DemoReport) -> None:
    directory = seed_dir()
    files = sorted(directory.glob("*.txt")) if directory.is_dir() else []
    if not files:
        report.warnings.append(
            f"seed report text not found in {directory}; set CLEARINGHOUSE_SEED_DIR to attach it"
        )
        return
    text = files[0].read_text(encoding="utf-8", errors="replace")
    _attach_once(record, text, "trafficking-slavery-peacekeeping-2002.txt", "en", report)
