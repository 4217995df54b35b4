"""API writes (C10 item 5): partners submit records; staff publish and set access.

``PATCH /api/v1/records/{id}`` changes a record through ``record_change``, so the record
policy decides every field and refusals are audited. A record the caller may not see
answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language_from_request

from clearinghouse.accounts.services.audit import audit_denied
from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.catalog.workflow import Submission, record_change, record_submit
from clearinghouse.core.policy import actor_from_request
from clearinghouse.dissemination.formats.record_json import record_summary

from . import views
from .json import ApiJsonResponse as JsonResponse

NOT_FOUND = {"error": "not_found", "detail": "No such record."}
FORBIDDEN = {"error": "forbidden", "detail": "You may not do this."}
SUBMISSION_FIELDS = set(Submission.__dataclass_fields__)


def _body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _csrf_failed(request: HttpRequest) -> bool:
    """A write with the session cookie (not a token) must carry the CSRF token."""
    if getattr(request, "api_actor", None) is not None:
        return False
    reason = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
    return reason is not None


CSRF_FAILED = {"error": "csrf_failed", "detail": "Session writes need a CSRF token."}


def _bad(detail: str) -> JsonResponse:
    return JsonResponse({"error": "bad_request", "detail": detail}, status=400)


def submissions(request: HttpRequest) -> JsonResponse:
    """POST a new record for review (partners for their organisation, and staff)."""
    if request.method != "POST":
        return JsonResponse({"error": "method_not_allowed"}, status=405)
    if _csrf_failed(request):
        return JsonResponse(CSRF_FAILED, status=403)
    actor = actor_from_request(request)
    body = _body(request)
    if body is None:
        return _bad("a JSON object is expected")
    unknown = set(body) - SUBMISSION_FIELDS
    if unknown:
        # Status and access are never set on submission; an attempt is refused and audited.
        audit_denied(
            actor=actor, action="record.submit", summary="fields: " + ", ".join(sorted(unknown))
        )
        return JsonResponse(FORBIDDEN, status=403)
    try:
        record = record_submit(actor=actor, data=Submission(**body), ip=_ip(request))
    except PermissionDenied:
        return JsonResponse(FORBIDDEN, status=403)
    except (TypeError, ValueError) as error:
        return _bad(str(error))
    language = get_language_from_request(request) or "en"
    return JsonResponse(record_summary(record, language), status=201)


def record_patch(request: HttpRequest, pk: int) -> JsonResponse:
    if _csrf_failed(request):
        return JsonResponse(CSRF_FAILED, status=403)
    actor = actor_from_request(request)
    record = filter_records(actor, Record.objects.filter(pk=pk)).first()
    if record is None:
        audit_denied(actor=actor, action="record.edit", target=("catalog.record", pk))
        return JsonResponse(NOT_FOUND, status=404)
    changes = _body(request)
    if changes is None:
        return _bad("a JSON object is expected")
    if "embargo_until" in changes and changes["embargo_until"] is not None:
        moment = parse_datetime(str(changes["embargo_until"]))
        if moment is None:
            return _bad("embargo_until: ISO 8601 date and time expected")
        changes["embargo_until"] = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    try:
        record = record_change(actor=actor, record=record, changes=changes, ip=_ip(request))
    except PermissionDenied:
        return JsonResponse(FORBIDDEN, status=403)
    except ValueError as error:
        return _bad(str(error))
    return views.record(request, record.pk)
