"""Language versions of a record's texts (C7): who may write them, the writes, the queue.

A record has one text per language (title, subtitle, abstract, annotation); exactly
one is the original. Every other one is a translation and says from which language,
by whom or by what engine, and whether a person reviewed it. Machine output is never
reviewed when written: only a person can mark it so, by editing it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from clearinghouse.accounts.services.audit import audit_denied
from clearinghouse.core.policy import Actor
from clearinghouse.vocabularies.labels import normal_code

from .models import Record, RecordText
from .policies import filter_records
from .services import record_changed

TEXT_FIELDS = ("title", "subtitle", "abstract", "annotation")
#: Kinds whose translation matters most: what trainers use and the rules they apply.
PRIORITY_KINDS = (Record.Kind.TRAINING_MATERIAL, Record.Kind.INSTRUMENT)


class TranslationInvalid(ValueError):
    """The text cannot be saved as given (no title, a translation from itself…)."""


def can_translate(actor: Actor, record: Record | None = None) -> bool:
    """Analysts and administrators add, edit and machine-translate language versions."""
    return actor.is_staff


def target_languages() -> tuple[str, ...]:
    """Languages records are translated into: ``CLEARINGHOUSE_TRANSLATION_LANGUAGES``."""
    default = tuple(code for code, _name in settings.LANGUAGES)
    return tuple(getattr(settings, "CLEARINGHOUSE_TRANSLATION_LANGUAGES", default))


def normalise_language(code: str) -> str:
    """BCP 47 tags as records store them: lower case, ``zh-hans`` → ``zh``."""
    return normal_code(code)


@dataclass
class TextVersion:
    """What a person (or an engine) writes for one language of one record."""

    title: str
    subtitle: str = ""
    abstract: str = ""
    annotation: str = ""
    method: str = RecordText.Method.HUMAN
    source_language: str = ""
    translator: str = ""
    reviewed: bool = False
    is_original: bool = False


def record_text_upsert(
    *, actor: Actor, record: Record, language: str, data: TextVersion, ip: str | None = None
) -> RecordText:
    """Add or replace the ``language`` version of ``record``'s texts, with history."""
    if not can_translate(actor, record):
        raise audit_denied(
            actor=actor,
            action="record.translate",
            target=record,
            summary="may not edit language versions",
            ip=ip,
        )
    language = normalise_language(language)
    if not language or not data.title.strip():
        raise TranslationInvalid("a language version needs a language and a title")
    with transaction.atomic():
        existing = RecordText.objects.filter(record=record, language=language).first()
        keeps_original = existing is not None and existing.is_original
        text = existing or RecordText(record=record, language=language)
        for name in TEXT_FIELDS:
            setattr(text, name, getattr(data, name).strip())
        if data.is_original or keeps_original:
            _make_original(record, text)
        else:
            source = normalise_language(data.source_language or record.original_language)
            if source == language:
                raise TranslationInvalid("a translation comes from another language")
            text.is_original = False
            text.method = data.method
            text.source_language = source
            text.translator = data.translator.strip()[:200]
            text.reviewed = data.reviewed
        text.save()
        verb = "edited" if existing else "added"
        record_changed(record=record, actor=actor, summary=f"{language} text {verb}")
    return text


def _make_original(record: Record, text: RecordText) -> None:
    """``text`` becomes the one original; the record's original language follows it."""
    # The former original turns out to be a translation from this one, by someone unknown.
    RecordText.objects.filter(record=record, is_original=True).exclude(pk=text.pk).update(
        is_original=False, method=RecordText.Method.HUMAN, source_language=text.language
    )
    text.is_original = True
    text.method = RecordText.Method.ORIGINAL
    text.source_language = ""
    text.translator = ""
    text.reviewed = False
    if record.original_language != text.language:
        record.original_language = text.language
        record.save(update_fields=["original_language", "updated_at"])


def record_text_delete(
    *, actor: Actor, record: Record, language: str, ip: str | None = None
) -> None:
    """Remove a translation; the original is never removed here."""
    if not can_translate(actor, record):
        raise audit_denied(
            actor=actor,
            action="record.translate",
            target=record,
            summary="may not remove language versions",
            ip=ip,
        )
    with transaction.atomic():
        deleted, _ = RecordText.objects.filter(
            record=record, language=normalise_language(language), is_original=False
        ).delete()
        if deleted:
            record_changed(record=record, actor=actor, summary=f"{language} text removed")


# --- the translation queue ---------------------------------------------------------------


def translation_queue(actor: Actor, language: str) -> QuerySet[Record]:
    """Records the actor may see that have no ``language`` version, most needed first.

    Priority, in this order: published before anything else; public before registered
    and restricted (more readers); training materials and legal or policy instruments
    before publications and datasets; newest first; then by id, so the order is stable.
    """
    language = normalise_language(language)
    lacking = filter_records(actor).exclude(
        Q(texts__language=language) | Q(original_language__iexact=language)
    )
    priority = {
        "published_first": Case(
            When(status=Record.Status.PUBLISHED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "public_first": Case(
            When(access_tier=Record.Tier.PUBLIC, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "kind_first": Case(
            When(kind__in=PRIORITY_KINDS, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    }
    return (
        lacking.annotate(**priority)
        .order_by("published_first", "public_first", "kind_first", "-year", "-pk")
        .prefetch_related("texts")
    )


def translation_coverage(actor: Actor) -> list[tuple[str, int]]:
    """(language, records the actor may see that lack it), for every target language."""
    return [(code, translation_queue(actor, code).count()) for code in target_languages()]
