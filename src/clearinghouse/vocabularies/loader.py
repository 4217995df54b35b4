"""Loading the shipped vocabularies (YAML) and ISO 3166 / ISO 639 from pycountry."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from pathlib import Path

import pycountry
import yaml
from django.db import transaction

from .models import Concept, Scheme

DATA_DIR = Path(__file__).with_name("data")

#: Languages the vocabularies carry labels in (the UI languages, vocabulary-style codes).
LABEL_LANGUAGES = (
    "en",
    "fr",
    "es",
    "ru",
    "zh",
    "ar",
    "de",
    "sq",
    "sr",
    "sr-latn",
    "bs",
    "hr",
    "mk",
)
# pycountry's gettext domain names per label language.
_PYCOUNTRY_LOCALES = {
    "fr": "fr",
    "es": "es",
    "ru": "ru",
    "zh": "zh_CN",
    "ar": "ar",
    "de": "de",
    "sq": "sq",
    "sr": "sr",
    "sr-latn": "sr@latin",
    "bs": "bs",
    "hr": "hr",
    "mk": "mk",
}
SCHEME_FILES = (
    "audiences.yaml",
    "purposes.yaml",
    "topics.yaml",
    "methods.yaml",
    "resource_types.yaml",
    "regions.yaml",
)
_ISO_SCHEME_LABELS = {
    "country": {
        "en": "Country",
        "fr": "Pays",
        "es": "País",
        "ru": "Страна",
        "zh": "国家",
        "ar": "البلد",
        "de": "Land",
        "sq": "Shteti",
        "sr": "Држава",
        "sr-latn": "Država",
        "bs": "Država",
        "hr": "Država",
        "mk": "Држава",
    },
    "language": {
        "en": "Language",
        "fr": "Langue",
        "es": "Idioma",
        "ru": "Язык",
        "zh": "语言",
        "ar": "اللغة",
        "de": "Sprache",
        "sq": "Gjuha",
        "sr": "Језик",
        "sr-latn": "Jezik",
        "bs": "Jezik",
        "hr": "Jezik",
        "mk": "Јазик",
    },
}


@dataclass
class LoadReport:
    schemes: int = 0
    concepts: int = 0


def _translator(domain: str, language: str):
    locale = _PYCOUNTRY_LOCALES.get(language)
    if not locale:
        return None
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale])
    except OSError:
        return None


def _translated(domain: str, name: str) -> dict[str, str]:
    """The English name and its translations in pycountry's catalogues.

    Only real catalogue entries count: ``gettext`` would echo the English name for a
    missing one, and the label would pass for a translation that nobody made.
    """
    labels = {"en": name}
    for lang in LABEL_LANGUAGES[1:]:
        tr = _translator(domain, lang)
        value = getattr(tr, "_catalog", {}).get(name) if tr is not None else None
        if value:
            labels[lang] = value
    return labels


def _iso_overrides() -> dict[str, dict[str, dict[str, str]]]:
    """Labels pycountry lacks or words differently: ``iso_labels.yaml``, scheme → code → labels."""
    path = DATA_DIR / "iso_labels.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _upsert_scheme(scheme_id: str, labels: dict) -> Scheme:
    scheme, _ = Scheme.objects.update_or_create(id=scheme_id, defaults={"labels": labels})
    return scheme


def _load_yaml_scheme(path: Path, report: LoadReport) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scheme = _upsert_scheme(data["scheme"], data.get("labels", {}))
    report.schemes += 1
    by_code: dict[str, Concept] = {}
    broader: dict[str, str] = {}
    for position, item in enumerate(data.get("concepts", [])):
        extra = {k: v for k, v in item.items() if k in {"kinds", "countries"}}
        concept, _ = Concept.objects.update_or_create(
            scheme=scheme,
            code=item["id"],
            defaults={
                "labels": item.get("labels", {}),
                "alt_labels": item.get("alt_labels", {}) or {},
                "scope_note": item.get("scope_note", {}) or {},
                "extra": extra,
                "position": position,
            },
        )
        by_code[concept.code] = concept
        if item.get("broader"):
            broader[concept.code] = item["broader"]
        report.concepts += 1
    for code, parent in broader.items():
        Concept.objects.filter(pk=by_code[code].pk).update(broader=by_code.get(parent))


def _load_countries(report: LoadReport) -> None:
    scheme = _upsert_scheme("country", _ISO_SCHEME_LABELS["country"])
    report.schemes += 1
    existing = {c.code: c for c in Concept.objects.filter(scheme=scheme)}
    rows = []
    for position, country in enumerate(sorted(pycountry.countries, key=lambda c: c.alpha_2)):
        name = getattr(country, "common_name", None) or country.name
        labels = _translated("iso3166-1", country.name)
        labels["en"] = name
        rows.append((country.alpha_2, labels, position))
    extra_path = DATA_DIR / "countries_extra.yaml"
    if extra_path.exists():
        extra = yaml.safe_load(extra_path.read_text(encoding="utf-8"))
        for item in extra.get("concepts", []):
            rows.append((item["id"], item.get("labels", {}), len(rows)))
    rows = _with_overrides(rows, _iso_overrides().get("country", {}))
    _bulk_upsert(scheme, rows, existing)
    report.concepts += len(rows)


def _load_languages(report: LoadReport) -> None:
    """ISO 639 languages that have a two-letter code, plus the Serbian Latin variant."""
    scheme = _upsert_scheme("language", _ISO_SCHEME_LABELS["language"])
    report.schemes += 1
    existing = {c.code: c for c in Concept.objects.filter(scheme=scheme)}
    rows = []
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        rows.append((code, _translated("iso639-3", language.name), 0))
    rows.append(("sr-latn", {"en": "Serbian (Latin script)"}, 0))
    rows = _with_overrides(rows, _iso_overrides().get("language", {}))
    _bulk_upsert(scheme, rows, existing)
    report.concepts += len(rows)


def _with_overrides(rows, overrides: dict[str, dict[str, str]]) -> list:
    return [
        (code, {**labels, **overrides.get(code, {})}, position) for code, labels, position in rows
    ]


def _bulk_upsert(scheme: Scheme, rows, existing: dict[str, Concept]) -> None:
    new, changed = [], []
    for code, labels, position in rows:
        concept = existing.get(code)
        if concept is None:
            new.append(Concept(scheme=scheme, code=code, labels=labels, position=position))
        elif concept.labels != labels or concept.position != position:
            concept.labels, concept.position = labels, position
            changed.append(concept)
    Concept.objects.bulk_create(new, batch_size=500)
    Concept.objects.bulk_update(changed, ["labels", "position"], batch_size=500)


@transaction.atomic
def load_vocabularies(data_dir: Path = DATA_DIR) -> LoadReport:
    """Create or update every shipped scheme; idempotent (codes are the keys)."""
    report = LoadReport()
    for name in SCHEME_FILES:
        path = data_dir / name
        if path.exists():
            _load_yaml_scheme(path, report)
    _load_countries(report)
    _load_languages(report)
    from .lookups import vocabulary_cache

    vocabulary_cache.clear()
    return report
