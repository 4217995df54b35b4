"""The OAI-PMH endpoint: GET or POST (form-encoded), anonymous, as the protocol defines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .provider import respond


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    base_url = request.build_absolute_uri(request.path)
    body = respond({name: params.getlist(name) for name in params}, base_url)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
