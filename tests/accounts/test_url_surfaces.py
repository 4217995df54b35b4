"""Every URL pattern is accounted for: a policy test that covers it, or why it shows no records.

Adding a list or detail surface (a feed, a sitemap, OAI-PMH, an export…) without adding
it here, with the test that proves it goes through the record policy, fails this test.
"""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .people import make_account, make_organisation, signed_in

MATRIX = "tests/accounts/test_access_matrix.py::test_every_surface_answers_as_the_policy_says"
GUESSING = (
    "tests/accounts/test_identifiers.py::test_hidden_records_and_files_answer_like_missing_ones"
)
PARTNER = "tests/accounts/test_partner.py::test_partner_cannot_edit_another_organisations_record"
PARTNER_TIER = (
    "tests/accounts/test_partner.py::test_partner_cannot_change_an_access_tier_through_page_or_api"
)
PARTNER_SUBMIT = (
    "tests/accounts/test_partner.py::test_partner_submits_through_the_page_and_sees_its_submission"
)
STAFF_ONLY = "tests/accounts/test_url_surfaces.py::test_staff_only_surfaces_refuse_everyone_else"
REQUESTS = "tests/accounts/test_access_requests.py::test_request_grant_download_expire"
ADMIN = "tests/accounts/test_partner.py::test_partner_cannot_use_the_admin"
LISTS = "tests/accounts/test_disseminated_surfaces.py::test_no_list_surface_carries_hidden_records"
DETAILS = (
    "tests/accounts/test_disseminated_surfaces.py::test_detail_surfaces_answer_hidden_like_missing"
)
APPENDIX_C = "tests/analysis/test_framework.py::test_public_appendix_c_counts_only_public_material"
ANNOTATION_VERSIONS = (
    "tests/analysis/test_annotations.py::test_annotation_versions_page_follows_the_record_policy"
)
GAPS = "tests/analysis/test_gaps.py::test_gap_pages_and_downloads_reveal_nothing_restricted"
NOT_RECORDS = "not a record surface: "
ROSTER_PRIVATE = (
    "tests/accounts/test_access_matrix.py::test_private_roster_fields_reach_only_staff_and_trainers"
)
ROSTER_MATERIALS = (
    "tests/directory/test_pages.py::test_organisation_page_lists_only_visible_materials"
)
ROSTER_API = "tests/directory/test_pages.py::test_api_experts_private_fields_follow_the_policy"
MATCH = "tests/directory/test_matching.py::test_providers_rank_by_visible_materials"

SURFACES: dict[str, str] = {
    # the portal
    "web:home": MATRIX,
    "web:search": MATRIX,
    "web:record": MATRIX,
    "web:browse": MATRIX,
    "web:download": MATRIX,
    "web:contributions": PARTNER_SUBMIT,
    "web:contribution_new": PARTNER_SUBMIT,
    "web:contribution_edit": PARTNER,
    # the API
    "api-records": MATRIX,
    "api-record": MATRIX,
    "api-submissions": PARTNER_TIER,
    "api-openapi": NOT_RECORDS + "the static OpenAPI document",
    "api-record-files": DETAILS,
    "api-record-export": DETAILS,
    "api-record-text": STAFF_ONLY,
    "api-file": DETAILS,
    "api-export": LISTS,
    "api-formats": NOT_RECORDS + "the list of export formats",
    "api-imports": STAFF_ONLY,
    "api-vocabularies": NOT_RECORDS + "controlled vocabularies (public reference data)",
    "api-vocabulary": NOT_RECORDS + "controlled vocabularies (public reference data)",
    "api-concept": NOT_RECORDS + "controlled vocabularies (public reference data)",
    "api-organisations": NOT_RECORDS + "directory organisations: public names, no contacts",
    "api-organisation": NOT_RECORDS + "directory organisations: public names, no contacts",
    # dissemination (the public view: filter_records(ANONYMOUS))
    "oai": LISTS,
    "feed-records": LISTS,
    "feed-records-by": LISTS,
    "sitemap": LISTS,
    "api-ingest-files": STAFF_ONLY,
    "api-ingest-job": STAFF_ONLY,
    # accounts
    "accounts:login": NOT_RECORDS + "sign-in form (throttled; test_authentication.py)",
    "accounts:logout": NOT_RECORDS + "sign-out",
    "accounts:register": NOT_RECORDS + "sign-up form (test_registration.py)",
    "accounts:register_done": NOT_RECORDS + "the applicant's own status",
    "accounts:two_factor_setup": NOT_RECORDS + "2FA enrolment (test_authentication.py)",
    "accounts:two_factor_verify": NOT_RECORDS + "2FA verification (test_authentication.py)",
    "accounts:approvals": STAFF_ONLY,
    "accounts:approval_decide": STAFF_ONLY,
    "accounts:request_access": GUESSING,
    "accounts:my_access": REQUESTS,
    "accounts:access_requests": STAFF_ONLY,
    "accounts:access_request_answer": STAFF_ONLY,
    # staff tools
    "ingestion:upload": STAFF_ONLY,
    "ingestion:batch": STAFF_ONLY,
    "dissemination:import": STAFF_ONLY,
    "offline:key": NOT_RECORDS + "the offline edition's public signing key",
    "offline:staff": STAFF_ONLY,
    "offline:job": STAFF_ONLY,
    "offline:download": STAFF_ONLY,
    "translation:queue": STAFF_ONLY,
    "translation:record": STAFF_ONLY,
    "translation:machine": STAFF_ONLY,
    "translation:edit": STAFF_ONLY,
    "translation:delete": STAFF_ONLY,
    "analysis:queue": STAFF_ONLY,
    "analysis:record": STAFF_ONLY,
    "analysis:annotate": STAFF_ONLY,
    "analysis:review": STAFF_ONLY,
    "framework:appendix_c": APPENDIX_C,
    "framework:versions": ANNOTATION_VERSIONS,
    # gap analysis (C6): every page and download counts through the record policy
    "gaps:matrix": GAPS,
    "gaps:cell": GAPS,
    "gaps:csv": GAPS,
    "gaps:json": GAPS,
    "gaps:svg": GAPS,
    "gaps:png": GAPS,
    "gaps:pdf": GAPS,
    "admin:*": ADMIN,
    "set_language": NOT_RECORDS + "stores the UI language in a cookie",
    "healthz": NOT_RECORDS + "liveness probe: a constant 'ok', reads nothing",
    "jobs:overview": STAFF_ONLY,
    # the roster (C8)
    "directory:roster": ROSTER_PRIVATE,
    "directory:organisation": ROSTER_MATERIALS,
    "directory:person": ROSTER_PRIVATE,
    "directory:match": MATCH,
    "directory:duplicates": STAFF_ONLY,
    "directory:merge": STAFF_ONLY,
    "directory:export": STAFF_ONLY,
    "directory:erase": STAFF_ONLY,
    "api-experts": ROSTER_API,
    "api-expert": ROSTER_API,
    "api-match": MATCH,
}

#: Staff-only surfaces with arguments to try them with (1: any id).
STAFF_ONLY_URLS = {
    "accounts:approvals": (),
    "accounts:approval_decide": (1,),
    "accounts:access_requests": (),
    "accounts:access_request_answer": (1,),
    "ingestion:upload": (),
    "ingestion:batch": (1,),
    "api-ingest-files": (),
    "api-ingest-job": (1,),
    "api-imports": (),
    "api-record-text": (1, "fr"),
    "dissemination:import": (),
    "offline:staff": (),
    "offline:job": (1,),
    "offline:download": (1, "zip"),
    "translation:queue": (),
    "translation:record": (1,),
    "translation:machine": (1,),
    "translation:edit": (1, "fr"),
    "translation:delete": (1, "fr"),
    "analysis:queue": (),
    "analysis:record": (1,),
    "analysis:annotate": (1,),
    "analysis:review": (1,),
    "admin:index": (),
    "jobs:overview": (),
    "directory:duplicates": (),
    "directory:merge": (),
    "directory:export": (1,),
    "directory:erase": (1,),
}


def _walk(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def _covered(name: str) -> str | None:
    if name in SURFACES:
        return SURFACES[name]
    namespace = name.split(":", 1)[0]
    return SURFACES.get(f"{namespace}:*") if ":" in name else None


def test_every_url_pattern_has_a_policy_test_or_a_reason():
    names = sorted(set(_walk(get_resolver().url_patterns)))
    missing = [name for name in names if _covered(name) is None]
    assert not missing, (
        "URL patterns without an entry in tests/accounts/test_url_surfaces.py SURFACES "
        f"(add the policy test that covers each, or why it shows no records): {missing}"
    )
    stale = [key for key in SURFACES if not key.endswith("*") and key not in names]
    assert not stale, f"entries for patterns that no longer exist: {stale}"


@pytest.mark.parametrize("reference", sorted({v for v in SURFACES.values() if "::" in v}))
def test_every_referenced_policy_test_exists(reference):
    path, function = reference.split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert callable(getattr(module, function, None)), reference


@pytest.mark.django_db
def test_staff_only_surfaces_refuse_everyone_else(db):
    clients = {
        "anonymous": Client(),
        "pending": signed_in(make_account("reader", approved=False)),
        "reader": signed_in(make_account("reader")),
        "partner": signed_in(make_account("partner", organisation=make_organisation("Org"))),
        "analyst without 2FA": signed_in(make_account("analyst"), verified=False),
    }
    for who, client in clients.items():
        for name, args in STAFF_ONLY_URLS.items():
            url = reverse(name, args=args)
            for method in ("get", "post", "put", "delete"):
                response = getattr(client, method)(url)
                assert response.status_code in (302, 401, 403, 404, 405), (who, name, method)
                if response.status_code == 302:
                    assert (
                        "/accounts/" in response["Location"]
                        or "/admin/login/" in response["Location"]
                    ), (who, name, method, response["Location"])
