"""What every API view shares: methods, token or session authentication, rate limits,
CSRF for session writes, staff-only writes, JSON errors and paging."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from clearinghouse.core.policy import Actor, actor_from_request

from . import ratelimit
from .json import ApiJsonResponse
from .tokens import InvalidToken, authenticate_token

MAX_PAGE_SIZE = 100


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str = "", **extra: Any):
        super().__init__(detail or error)
        self.status, self.error, self.detail, self.extra = status, error, detail, extra

    def response(self) -> JsonResponse:
        return json_response(
            {"error": self.error, "detail": self.detail, **self.extra}, self.status
        )


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return ApiJsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )


def api_actor(request: HttpRequest) -> Actor:
    return getattr(request, "api_actor", None) or actor_from_request(request)


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def api_endpoint(*methods: str, write: bool = False) -> Callable:
    """Wrap an API view: ``methods`` it answers; ``write`` makes it staff-only."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if getattr(request, "_api_endpoint", False):
                # Called from another API view (e.g. PATCH answers with the GET document).
                return view(request, *args, **kwargs)
            request._api_endpoint = True
            try:
                if request.method not in allowed:
                    response = ApiError(
                        405, "method_not_allowed", f"Use {', '.join(sorted(methods))}."
                    ).response()
                    response["Allow"] = ", ".join(sorted(allowed))
                    return response
                token = _authenticate(request)
                is_write = write and request.method not in ("GET", "HEAD")
                verdict = ratelimit.hit(
                    "write" if is_write else ("token" if token else "anonymous"),
                    f"token:{token.pk}" if token else _client(request),
                )
                if not verdict.allowed:
                    response = ApiError(
                        429, "rate_limited", "Too many requests; slow down."
                    ).response()
                    response["Retry-After"] = str(verdict.reset)
                    return response
                if is_write:
                    _check_writer(request, token)
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error.response()
                if error.status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="api"'
                return response
            response["X-RateLimit-Limit"] = str(verdict.limit)
            response["X-RateLimit-Remaining"] = str(verdict.remaining)
            return response

        return wrapper

    return decorate


def _authenticate(request: HttpRequest):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not credentials.strip():
        raise ApiError(401, "unauthorized", "Use 'Authorization: Bearer <token>'.")
    try:
        token, actor = authenticate_token(credentials)
    except InvalidToken as exc:
        raise ApiError(401, "unauthorized", str(exc)) from exc
    request.api_actor = actor
    # The same actor for views that ask core.policy (its per-request cache).
    request._clearinghouse_actor = actor
    return token


def _check_writer(request: HttpRequest, token) -> None:
    if token is None:
        reason = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
        if reason is not None:
            raise ApiError(
                403, "csrf_failed", "Session writes need a CSRF token; scripts use a token."
            )
    actor = api_actor(request)
    if actor.is_anonymous:
        raise ApiError(401, "unauthorized", "Writing needs a staff account's token.")
    if not actor.is_staff:
        raise ApiError(403, "forbidden", "Only analysts and administrators may write.")


def query_text(request: HttpRequest, name: str, limit: int = 100) -> str:
    """A free-text query parameter, bounded, without NUL (no database text holds it)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def page_params(request: HttpRequest, default_size: int = 20) -> tuple[int, int]:
    def number(name: str, default: int, low: int, high: int) -> int:
        raw = request.GET.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise ApiError(400, "bad_request", f"{name} must be an integer.") from exc
        if not low <= value <= high:
            raise ApiError(400, "bad_request", f"{name} must be between {low} and {high}.")
        return value

    return number("page", 1, 1, 10_000), number("page_size", default_size, 1, MAX_PAGE_SIZE)


def paged(request: HttpRequest, items: list, total: int, page: int, size: int) -> dict[str, Any]:
    def link(number: int) -> str | None:
        if number < 1 or (number - 1) * size >= total:
            return None
        params = request.GET.copy()
        params["page"] = str(number)
        return f"{request.path}?{params.urlencode()}"

    return {
        "total": total,
        "page": page,
        "page_size": size,
        "next": link(page + 1),
        "previous": link(page - 1) if page > 1 else None,
        "results": items,
    }


def route(**handlers: Callable) -> Callable:
    """One URL, a view per HTTP method (each wrapped by ``api_endpoint``)."""
    if "GET" in handlers:
        handlers.setdefault("HEAD", handlers["GET"])

    @csrf_exempt
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            response = ApiError(405, "method_not_allowed", "Method not allowed here.").response()
            response["Allow"] = ", ".join(sorted(handlers))
            return response
        return handler(request, *args, **kwargs)

    return view
