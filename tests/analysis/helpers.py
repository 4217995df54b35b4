"""Records, analysts and annotations for the analysis tests."""

from __future__ import annotations

from django.contrib.auth.models import Group

from clearinghouse.analysis.services import (
    AnnotationInput,
    ReviewInput,
    annotation_save,
    review_save,
)
from clearinghouse.core.policy import actor_for
from tests.accounts.people import make_account
from tests.factories import make_record

FULL_SCORES = {
    "accuracy": (4, "cites the 2000 Protocol and current mission rules"),
    "protocol": (4, "act, means and purpose as in article 3"),
    "victim_centred": (3, "non-punishment discussed"),
    "local_context": (2, "Balkan examples only"),
    "instructional_design": (3, "objectives and exercises"),
    "assessment": (0, "no test of learning"),
    "evidence_of_use": (None, ""),
}


def staff(role: str = "analyst"):
    user = make_account(role)
    return user, actor_for(user, verified=True)


def annotate(actor, record, *, audiences=("prosecutors",), outcomes="", abstract="", **extra):
    framework = {"outcomes": {"goal": outcomes, "strategy": ""}} if outcomes else {}
    return annotation_save(
        actor=actor,
        record=record,
        data=AnnotationInput(
            texts={"en": (abstract, "")} if abstract else {},
            framework=framework,
            audiences=list(audiences),
            **extra,
        ),
    )


def review(actor, record, *, scores=None, best=False, complete=True, summary=""):
    return review_save(
        actor=actor,
        record=record,
        data=ReviewInput(
            scores=scores if scores is not None else FULL_SCORES,
            best_practice=best,
            best_practice_reason="a model for mission induction" if best else "",
            summary=summary,
        ),
        complete=complete,
    )


def restricted_record(title: str):
    group = Group.objects.create(name=f"group for {title}")
    return make_record(title, access_tier="restricted", groups=[group.pk])
