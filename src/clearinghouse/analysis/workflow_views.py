"""Staff pages of the analysis (C5): queue, a record's workflow, annotation and review forms.

Thin: parse, call a service or selector, render. Anyone but staff gets 404, as for the
other staff pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clearinghouse.catalog.completeness import PublicationIncomplete, publication_missing
from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.catalog.workflow import record_publish, record_withdraw
from clearinghouse.core.policy import Actor, actor_from_request
from clearinghouse.vocabularies.lookups import vocabulary_cache
from clearinghouse.vocabularies.models import Concept

from .forms import AnnotationForm, AssignForm, CommentForm, ReviewForm, framework_field
from .models import Review, WorkflowComment
from .policies import can_run_workflow
from .rubric import FRAMEWORK_COLUMNS, FRAMEWORK_PARTS, RUBRIC
from .selectors import annotation_current, annotation_versions, reviews_visible
from .services import AnnotationInput, ReviewInput, annotation_save, review_save
from .workflow import (
    analysts,
    assignment_close,
    current_assignment,
    history,
    queue_for,
    record_assign,
    record_comment_add,
    unassigned_in_review,
)

QUEUE_LIMIT = 200


def _staff(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if not can_run_workflow(actor):
        raise Http404
    return actor


def _record(actor: Actor, pk: int) -> Record:
    record = filter_records(actor, Record.objects.filter(pk=pk)).prefetch_related("texts").first()
    if record is None:
        raise Http404
    return record


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def queue(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    choices = list(analysts().values_list("pk", "username"))
    try:
        analyst_id = int(request.GET.get("analyst", actor.user_id))
    except ValueError:
        analyst_id = actor.user_id
    return render(
        request,
        "analysis/queue.html",
        {
            "assignments": list(queue_for(analyst_id)[:QUEUE_LIMIT]),
            "unassigned": list(unassigned_in_review()[:QUEUE_LIMIT]),
            "analysts": choices,
            "analyst_id": analyst_id,
        },
    )


def record_workflow(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    record = _record(actor, pk)
    choices = list(analysts().values_list("pk", "username"))
    assign_form = AssignForm(analyst_choices=choices)
    comment_form = CommentForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "assign":
                assign_form = AssignForm(request.POST, analyst_choices=choices)
                if assign_form.is_valid():
                    record_assign(
                        actor=actor,
                        record=record,
                        analyst_id=assign_form.cleaned_data["analyst"],
                        ip=_ip(request),
                    )
                    return redirect("analysis:record", pk=pk)
            elif action == "close":
                assignment_close(actor=actor, record=record, ip=_ip(request))
                return redirect("analysis:record", pk=pk)
            elif action == "comment":
                comment_form = CommentForm(request.POST)
                if comment_form.is_valid():
                    record_comment_add(
                        actor=actor, record=record, body=comment_form.cleaned_data["body"]
                    )
                    return redirect("analysis:record", pk=pk)
            elif action in ("publish", "withdraw"):
                change = record_publish if action == "publish" else record_withdraw
                change(actor=actor, record=record, ip=_ip(request))
                return redirect("analysis:record", pk=pk)
            else:
                return HttpResponse(status=400)
        except PublicationIncomplete as error:
            messages.error(
                request,
                _("Not published. Missing: %(missing)s")
                % {"missing": ", ".join(str(r.label) for r in error.missing)},
            )
        except (ValueError, PermissionDenied) as error:
            messages.error(request, str(error))
    return render(
        request,
        "analysis/record_workflow.html",
        {
            "record": record,
            "title": record.text_for(get_language()),
            "missing": publication_missing(record),
            "assignment": current_assignment(record),
            "assign_form": assign_form,
            "comment_form": comment_form,
            "comments": WorkflowComment.objects.filter(record=record).select_related("author"),
            "history": history(record),
            "versions": annotation_versions(record.pk),
            "reviews": reviews_visible(actor, record.pk),
        },
    )


def _concept_choices(schemes: tuple[str, ...], language: str) -> list[tuple[str, str]]:
    codes = Concept.objects.filter(scheme_id__in=schemes).values_list("scheme_id", "code")
    return sorted(
        ((code, vocabulary_cache.label(scheme, code, language)) for scheme, code in codes),
        key=lambda choice: choice[1].casefold(),
    )


def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    record = _record(actor, pk)
    ui = get_language()
    current = annotation_current(record.pk)
    language = request.GET.get("language") or request.POST.get("language") or ui
    texts = {t.language: (t.abstract, t.annotation) for t in current.texts.all()} if current else {}
    initial: dict = {"language": language}
    if current:
        abstract, annotation = texts.get(language, ("", ""))
        initial.update(
            abstract=abstract,
            annotation=annotation,
            audiences=[c.code for c in current.audiences.all()],
            regions=[c.code for c in current.regions.all()],
            purpose=current.purpose,
            depth=current.depth,
            duration=current.duration,
        )
        for column, _l, _q in FRAMEWORK_COLUMNS:
            for part, _p in FRAMEWORK_PARTS:
                initial[framework_field(column, part)] = current.cell(column, part)
    else:
        initial["audiences"] = [c.code for c in record.concepts.filter(scheme_id="audience")]
        initial.update(depth=record.depth, duration=record.duration)
    form = AnnotationForm(
        request.POST or None,
        initial=initial,
        audience_choices=_concept_choices(("audience",), ui),
        region_choices=_concept_choices(("region", "country"), ui),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        texts[data["language"]] = (data["abstract"], data["annotation"])
        try:
            annotation_save(
                actor=actor,
                record=record,
                data=AnnotationInput(
                    texts=texts,
                    framework=form.framework(),
                    audiences=data["audiences"],
                    regions=data["regions"],
                    purpose=data["purpose"],
                    depth=data["depth"],
                    duration=data["duration"],
                    note=data["note"],
                ),
                ip=_ip(request),
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            return redirect("analysis:record", pk=pk)
    return render(
        request,
        "analysis/annotation_form.html",
        {"record": record, "title": record.text_for(ui), "form": form, "current": current},
    )


def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    record = _record(actor, pk)
    review = Review.objects.filter(record=record, reviewer=actor.user).first()
    initial: dict = {}
    if review:
        initial.update(
            best_practice=review.best_practice,
            best_practice_reason=review.best_practice_reason,
            summary=review.summary,
        )
        for criterion in RUBRIC:
            entry = review.scores.get(criterion.id) or {}
            initial[f"score_{criterion.id}"] = entry.get("score")
            initial[f"evidence_{criterion.id}"] = entry.get("evidence", "")
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review_save(
                actor=actor,
                record=record,
                data=ReviewInput(
                    scores=form.scores(),
                    best_practice=data["best_practice"],
                    best_practice_reason=data["best_practice_reason"],
                    summary=data["summary"],
                ),
                complete=request.POST.get("action") == "complete",
                ip=_ip(request),
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            return redirect("analysis:record", pk=pk)
    return render(
        request,
        "analysis/review_form.html",
        {
            "record": record,
            "title": record.text_for(get_language()),
            "form": form,
            "review": review,
        },
    )
