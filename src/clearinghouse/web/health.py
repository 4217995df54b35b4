"""``/healthz``: a liveness probe for load balancers; also the trivial view of bench/load_bench.

It reads nothing and says nothing but "ok" (no version, no counts, no database state).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
