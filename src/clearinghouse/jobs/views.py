"""The staff jobs page: what is queued, running and failed, which workers live, index lag."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clearinghouse.core.policy import actor_from_request

from . import selectors
from .policies import can_watch_jobs


def overview(request: HttpRequest) -> HttpResponse:
    if not can_watch_jobs(actor_from_request(request)):
        raise Http404
    return render(
        request,
        "jobs/overview.html",
        {
            "queue": selectors.queue_overview(),
            "running": selectors.running_tasks(),
            "failed": selectors.failed_tasks(),
            "workers": selectors.workers(),
            "cursors": selectors.index_cursors(),
        },
    )
