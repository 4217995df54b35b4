"""Sample analyst annotations and reviews for the demo catalogue (flagged ``is_sample``).

Idempotent and fast: a record that already has an annotation is left alone; reviews are
upserted per (record, reviewer). Written by the system, so no audit rows.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clearinghouse.accounts.models import Profile
from clearinghouse.accounts.roles import Role
from clearinghouse.catalog.models import Record
from clearinghouse.vocabularies.models import Concept

from ..models import Annotation, AnnotationText, AnnotationVersion, Review
from ..rubric import review_score

SAMPLE_FILE = Path(__file__).with_name("sample_analysis.yaml")


def _analysts(data: dict) -> dict:
    users = {}
    for item in data.get("analysts", []):
        first, _sep, last = item["name"].partition(" ")
        user, created = get_user_model().objects.get_or_create(
            username=item["username"],
            defaults={"first_name": first, "last_name": last, "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Profile.objects.get_or_create(user=user, defaults={"role": Role.ANALYST})
        users[item["username"]] = user
    return users


def load_sample_analysis(path: Path = SAMPLE_FILE) -> str:
    """Load the sample analysis; returns a one-line summary."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    keys = {item["record"] for item in data.get("annotations", []) + data.get("reviews", [])}
    records = {
        identifier[len("demo:") :]: record
        for identifier, record in (
            (r.identifier or "", r)
            for r in Record.objects.filter(identifier__in=[f"demo:{k}" for k in keys])
        )
    }
    annotated = reviewed = 0
    with transaction.atomic():
        users = _analysts(data)
        for item in data.get("annotations", []):
            record = records.get(item["record"])
            if record is None or Annotation.objects.filter(record=record).exists():
                continue
            head = Annotation.objects.create(record=record)
            version = AnnotationVersion.objects.create(
                annotation=head,
                number=1,
                author=users.get(item["analyst"]),
                note="sample annotation for the demo",
                purpose=item.get("purpose", ""),
                depth=item.get("depth", ""),
                duration=item.get("duration", ""),
                framework=item.get("framework", {}),
                is_sample=True,
            )
            version.audiences.set(
                Concept.objects.filter(scheme_id="audience", code__in=item.get("audiences", []))
            )
            version.regions.set(
                Concept.objects.filter(scheme_id="region", code__in=item.get("regions", []))
            )
            AnnotationText.objects.bulk_create(
                AnnotationText(
                    version=version,
                    language=language,
                    abstract=text.get("abstract", ""),
                    annotation=text.get("annotation", ""),
                )
                for language, text in item.get("texts", {}).items()
            )
            head.current = version
            head.save(update_fields=["current"])
            annotated += 1
        for item in data.get("reviews", []):
            record = records.get(item["record"])
            if record is None:
                continue
            scores = {
                criterion: {"score": pair[0], "evidence": pair[1]}
                for criterion, pair in item["scores"].items()
            }
            Review.objects.update_or_create(
                record=record,
                reviewer=users[item["reviewer"]],
                defaults={
                    "status": Review.Status.COMPLETED,
                    "scores": scores,
                    "score": review_score(scores),
                    "best_practice": item.get("best_practice", False),
                    "best_practice_reason": item.get("best_practice_reason", ""),
                    "reviewed_at": timezone.now(),
                    "is_sample": True,
                },
            )
            reviewed += 1
    return f"sample analysis: {annotated} annotations added, {reviewed} reviews"
