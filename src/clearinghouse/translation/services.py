"""Machine translation of a record's texts through the configured engine.

The result is written like any language version (``record_text_upsert``: history,
audit, index), marked as machine-made, with the engine as translator and never
reviewed. A person's translation is never overwritten by a machine's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from clearinghouse.accounts.services.audit import audit_denied
from clearinghouse.catalog.models import Record, RecordText
from clearinghouse.catalog.translations import (
    TEXT_FIELDS,
    TextVersion,
    can_translate,
    normalise_language,
    record_text_upsert,
)
from clearinghouse.core.policy import Actor

from .backends.base import TranslationUnavailable
from .handler import translation_backends


def engine_status(alias: str = "default") -> tuple[str, list[str]]:
    """(engine name, problems as sentences): what the translation pages show staff."""
    backend = translation_backends[alias]
    return backend.engine, backend.check()


def machine_translation_refusal(record: Record, language: str, alias: str = "default") -> str:
    """Why ``record`` cannot be machine-translated into ``language`` now ('' when it can)."""
    language = normalise_language(language)
    texts = list(record.texts.all())
    original = next((t for t in texts if t.is_original), None)
    if original is None:
        return _("The record has no original text to translate.")
    existing = next((t for t in texts if t.language == language), None)
    if existing is not None and existing.method != RecordText.Method.MACHINE:
        return _("A text written by a person exists in this language: edit it instead.")
    backend = translation_backends[alias]
    source = normalise_language(original.language)
    if source == language:
        return _("The original is in this language.")
    if not backend.can_translate(source, language):
        problems = backend.check()
        if problems:
            return problems[0]
        return _("%(engine)s cannot translate from %(source)s into %(target)s here.") % {
            "engine": backend.engine,
            "source": source,
            "target": language,
        }
    return ""


def record_machine_translate(
    *, actor: Actor, record: Record, language: str, alias: str = "default"
) -> RecordText:
    """Translate the record's original texts into ``language`` and save them, unreviewed."""
    if not can_translate(actor, record):
        raise audit_denied(
            actor=actor, action="record.translate", target=record, summary="machine translation"
        )
    language = normalise_language(language)
    refusal = machine_translation_refusal(record, language, alias)
    if refusal:
        raise TranslationUnavailable(refusal)
    original = next(t for t in record.texts.all() if t.is_original)
    backend = translation_backends[alias]
    source = normalise_language(original.language)
    translated = backend.translate([getattr(original, f) for f in TEXT_FIELDS], source, language)
    values = dict(zip(TEXT_FIELDS, translated, strict=True))
    return record_text_upsert(
        actor=actor,
        record=record,
        language=language,
        data=TextVersion(
            **values,
            method=RecordText.Method.MACHINE,
            source_language=source,
            translator=backend.describe(source, language),
            reviewed=False,
        ),
    )
