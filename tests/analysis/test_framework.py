"""The Appendix C view counts only what the viewer may see, and reveals nothing else."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from clearinghouse.analysis.framework import framework_matrix
from clearinghouse.core.policy import ANONYMOUS, actor_for
from tests.accounts.people import make_account, signed_in
from tests.factories import make_record

from .helpers import annotate, restricted_record, review, staff

SECRET = "Covert referral protocol for mission investigators"


def _row(html: str, audience: str) -> list[str]:
    match = re.search(rf'<tr data-audience="{audience}">(.*?)</tr>', html, re.S)
    assert match, audience
    return re.findall(r'<td class="count[^"]*">(\d+)</td>', match.group(1))


def test_public_appendix_c_counts_only_public_material(vocabularies):
    public = make_record("Public induction module")
    hidden = restricted_record(SECRET)
    draft = make_record("Unpublished draft module", status="in_review")
    _user, analyst = staff()
    annotate(analyst, public, audiences=("prosecutors",), outcomes="Open a case")
    annotate(analyst, hidden, audiences=("prosecutors", "journalists"), outcomes="Refer")
    annotate(analyst, draft, audiences=("journalists",), outcomes="Report")
    review(analyst, hidden, best=True)
    review(analyst, public, best=False)

    url = reverse("framework:appendix_c")
    anonymous = Client().get(url).content.decode()
    analyst_page = signed_in(make_account("analyst")).get(url).content.decode()
    reader = signed_in(make_account("reader")).get(url).content.decode()
    # materials, then information exchange goal/strategy, then outcomes goal …
    assert _row(anonymous, "prosecutors")[:4] == ["1", "0", "0", "1"]
    assert _row(anonymous, "journalists")[:4] == ["0", "0", "0", "0"]
    assert _row(analyst_page, "prosecutors")[:4] == ["2", "0", "0", "2"]
    assert _row(analyst_page, "journalists")[:4] == ["2", "0", "0", "2"]
    assert anonymous != analyst_page and reader == reader.replace(SECRET, "")
    for page in (anonymous, reader):
        assert SECRET not in page
        assert reverse("web:record", args=[hidden.pk]) not in page
        assert "Unpublished draft module" not in page
    assert SECRET in analyst_page  # the best practice is listed by title for who may see it

    public_matrix = framework_matrix(ANONYMOUS, "en")
    staff_matrix = framework_matrix(actor_for(make_account("analyst"), verified=True), "en")
    assert (public_matrix.annotated, staff_matrix.annotated) == (1, 3)
    best = {row.code: row.best_practice_count for row in staff_matrix.rows}
    assert best["prosecutors"] == 1 and best["journalists"] == 1
    assert all(row.best_practice_count == 0 for row in public_matrix.rows)


def test_appendix_c_has_every_audience_row_and_framework_column(
    vocabularies, django_assert_max_num_queries
):
    _user, analyst = staff()
    for n in range(5):
        annotate(analyst, make_record(f"Module {n}"), audiences=("police",), outcomes="x")
    with django_assert_max_num_queries(12):
        html = Client().get(reverse("framework:appendix_c")).content.decode()
    assert len(_row(html, "police")) == 11  # materials + 5 columns × goal, strategy
    assert _row(html, "police")[0] == "5"
    for label in ("information exchange", "outcomes", "content", "methods", "assessment"):
        assert label in html
