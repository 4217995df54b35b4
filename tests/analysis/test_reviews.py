"""Reviews against the rubric: scored with evidence, consolidated, drafts kept from the public."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clearinghouse.analysis.models import Review
from clearinghouse.analysis.rubric import RUBRIC, review_score
from clearinghouse.analysis.selectors import RUBRIC as CONTRACT_RUBRIC
from clearinghouse.analysis.selectors import best_practice_ids, effectiveness_scores
from tests.accounts.people import make_account, signed_in
from tests.factories import make_record

from .helpers import FULL_SCORES, annotate, review, staff


def expected_score(scores) -> float:
    weighted = [
        (c.weight, scores[c.id][0] / c.scale[1]) for c in RUBRIC if scores[c.id][0] is not None
    ]
    return sum(w * s for w, s in weighted) / sum(w for w, _s in weighted)


def test_the_rubric_is_the_documented_one():
    assert CONTRACT_RUBRIC is RUBRIC
    assert [c.id for c in RUBRIC][:3] == ["accuracy", "protocol", "victim_centred"]
    assert all(c.scale == (0, 4) and c.weight > 0 for c in RUBRIC)


def test_reviews_are_consolidated_in_bulk(vocabularies, django_assert_num_queries):
    first, second, unreviewed, drafted = (make_record(f"Material {n}") for n in range(4))
    _u1, one = staff()
    _u2, two = staff()
    _u3, three = staff("administrator")
    low = {c.id: (1, "weak") for c in RUBRIC}
    review(one, first, best=True)
    review(two, first, scores=low, best=True)
    review(three, first, scores=low, best=False)
    review(one, second, best=True)
    review(two, second, best=False)
    review(one, drafted, best=True, complete=False)
    ids = [first.pk, second.pk, unreviewed.pk, drafted.pk]
    with django_assert_num_queries(1):
        scores = effectiveness_scores(ids)
    mean_first = (expected_score(FULL_SCORES) + 2 * expected_score(low)) / 3
    assert set(scores) == {first.pk, second.pk}
    assert scores[first.pk] == pytest.approx(mean_first, abs=1e-3)
    assert scores[second.pk] == pytest.approx(expected_score(FULL_SCORES), abs=1e-3)
    assert 0 <= min(scores.values()) <= max(scores.values()) <= 1
    with django_assert_num_queries(1):
        best = best_practice_ids(ids)
    # 2 of 3 flag the first: a majority; 1 of 2 for the second is not; a draft never counts
    assert best == {first.pk}


def test_a_review_completes_only_with_evidence_and_a_reason(vocabularies):
    record = make_record("Material")
    _user, analyst = staff()
    with pytest.raises(ValueError, match="accuracy"):
        review(analyst, record, scores={"accuracy": (3, "")})
    with pytest.raises(ValueError, match="a score from 0 to 4"):
        review(analyst, record, scores={"accuracy": (9, "x")})
    with pytest.raises(ValueError, match="unknown criterion"):
        review(analyst, record, scores={"charisma": (3, "x")})
    with pytest.raises(ValueError, match="score"):
        review(analyst, record, scores={})
    assert not Review.objects.filter(status="completed").exists()
    saved = review(analyst, record)
    assert saved.status == "completed" and saved.reviewed_at is not None
    assert saved.score == pytest.approx(review_score(saved.scores))


def test_the_record_page_shows_completed_reviews_and_keeps_drafts_from_the_public(vocabularies):
    record = make_record("Public module")
    author, analyst = staff()
    annotate(analyst, record, abstract="The analyst reading of it")
    review(analyst, record, summary="Completed review summary", best=True)
    _other, second = staff()
    review(second, record, summary="Private draft musings", complete=False)
    url = reverse("web:record", args=[record.pk])
    public = Client().get(url).content.decode()
    assert "The analyst reading of it" in public
    assert "Completed review summary" in public and "best practice" in public
    assert "Private draft musings" not in public
    reader = signed_in(make_account("reader")).get(url).content.decode()
    assert "Private draft musings" not in reader
    staff_page = signed_in(make_account("analyst")).get(url).content.decode()
    assert "Private draft musings" in staff_page
    assert reverse("analysis:record", args=[record.pk]) in staff_page
    assert reverse("analysis:record", args=[record.pk]) not in public


def test_the_review_page_saves_a_draft_then_completes(vocabularies):
    record = make_record("Module")
    user = make_account("analyst")
    client = signed_in(user)
    url = reverse("analysis:review", args=[record.pk])
    body = {f"score_{c.id}": "3" for c in RUBRIC} | {f"evidence_{c.id}": "seen" for c in RUBRIC}
    assert client.post(url, {**body, "action": "save"}).status_code == 302
    assert Review.objects.get(reviewer=user).status == "draft"
    missing = client.post(url, {**body, "best_practice": "on", "action": "complete"})
    assert missing.status_code == 200 and b"best_practice_reason" in missing.content
    done = client.post(url, {**body, "action": "complete"})
    assert done.status_code == 302
    saved = Review.objects.get(reviewer=user)
    assert (saved.status, saved.score) == ("completed", 0.75)
