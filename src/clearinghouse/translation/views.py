"""Staff pages for language versions: the translation queue, a record's versions, one
version's form, and machine translation. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.catalog.translations import (
    TranslationInvalid,
    can_translate,
    normalise_language,
    record_text_delete,
    record_text_upsert,
    target_languages,
    translation_coverage,
    translation_queue,
)
from clearinghouse.core.policy import Actor, actor_from_request
from clearinghouse.vocabularies.lookups import vocabulary_cache

from .forms import TextVersionForm
from .services import engine_status, machine_translation_refusal
from .tasks import machine_translate_record

PAGE_SIZE = 50


def _staff(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if not can_translate(actor):
        raise Http404
    return actor


def _record(actor: Actor, pk: int) -> Record:
    record = filter_records(actor, Record.objects.filter(pk=pk)).prefetch_related("texts").first()
    if record is None:
        raise Http404
    return record


def _language_name(code: str) -> str:
    return vocabulary_cache.label("language", normalise_language(code), get_language())


def queue(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    targets = [normalise_language(code) for code in target_languages()]
    language = normalise_language(request.GET.get("language", ""))
    if language not in targets:
        language = next((c for c in targets if c != "en"), targets[0])
    page = Paginator(translation_queue(actor, language), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    coverage = [
        (code, _language_name(code), missing)
        for code, missing in ((normalise_language(c), n) for c, n in translation_coverage(actor))
    ]
    return render(
        request,
        "translation/queue.html",
        {
            "language": language,
            "language_name": _language_name(language),
            "coverage": coverage,
            "page": page,
            "ui_language": get_language(),
        },
    )


def record_versions(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    record = _record(actor, pk)
    texts = list(record.texts.all())
    have = {t.language for t in texts}
    missing = [
        (code, _language_name(code))
        for code in (normalise_language(c) for c in target_languages())
        if code not in have
    ]
    engine, problems = engine_status()
    return render(
        request,
        "translation/record.html",
        {
            "record": record,
            "title": record.text_for(get_language()),
            "texts": [(t, _language_name(t.language)) for t in texts],
            "missing": missing,
            "engine": engine,
            "engine_problems": problems,
        },
    )


def edit_version(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    actor = _staff(request)
    record = _record(actor, pk)
    language = normalise_language(language)
    texts = list(record.texts.all())
    text = next((t for t in texts if t.language == language), None)
    sources = [(t.language, _language_name(t.language)) for t in texts if t.language != language]
    form = TextVersionForm(
        request.POST or None,
        initial=TextVersionForm.initial_from(text) or {"source_language": record.original_language},
        source_choices=[("", "—"), *sources],
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_text_upsert(
                actor=actor,
                record=record,
                language=language,
                data=form.version(),
                ip=request.META.get("REMOTE_ADDR"),
            )
        except TranslationInvalid as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The language version is saved."))
            return redirect("translation:record", pk=record.pk)
    return render(
        request,
        "translation/edit.html",
        {
            "record": record,
            "text": text,
            "language": language,
            "language_name": _language_name(language),
            "form": form,
        },
    )


@require_POST
def delete_version(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    actor = _staff(request)
    record = _record(actor, pk)
    record_text_delete(
        actor=actor, record=record, language=language, ip=request.META.get("REMOTE_ADDR")
    )
    messages.success(request, _("The translation is removed."))
    return redirect("translation:record", pk=record.pk)


@require_POST
def machine_translate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    record = _record(actor, pk)
    language = normalise_language(request.POST.get("language", ""))
    if language not in {normalise_language(c) for c in target_languages()}:
        raise Http404
    refusal = machine_translation_refusal(record, language)
    if refusal:
        messages.error(request, refusal)
    else:
        machine_translate_record.enqueue(record.pk, language, actor.user_id)
        messages.success(
            request,
            _("Machine translation into %(language)s is under way; it is marked not reviewed.")
            % {"language": _language_name(language)},
        )
    return redirect("translation:record", pk=record.pk)
