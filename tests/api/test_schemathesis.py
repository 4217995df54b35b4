"""Schemathesis generates requests from our OpenAPI document and calls the app in-process:
no server error, and every response matches the documented status, type and schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clearinghouse.accounts.models import Profile
from clearinghouse.api.tokens import token_create
from clearinghouse.catalog.services import file_attach_text
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

pytestmark = pytest.mark.django_db
#: Examples per operation; raise it locally (SCHEMATHESIS_EXAMPLES=200) to search harder.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
#: Operations of other apps that start background work on every call (ingestion sandbox).
SKIPPED = {"ingestFiles"}


@pytest.fixture
def connections_kept():
    """The app runs in-process inside the test's transaction: keep its connection open
    between requests, as Django's own test client does."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


def test_the_api_matches_its_openapi_document(vocabularies, django_user_model, connections_kept):
    user = django_user_model.objects.create_user("analyst", password="x" * 14)
    Profile.objects.create(user=user, role="analyst", approval="approved")
    token = token_create(user=user, name="schemathesis")[1]
    record = make_record(
        "Manual on investigation", identifier="demo:st", concepts={"topic": ["investigation"]}
    )
    file_attach_text(record=record, text="text", name="a.txt", language="en")
    apply_outbox()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") in SKIPPED:
            continue
        tested.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=checks)

        call()
    assert len(tested) >= 20
