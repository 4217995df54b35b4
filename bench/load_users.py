"""The load test's clients (locust, run as a library): started by bench/load_bench.py.

Two phases against one running server, 50 closed-loop clients each (no think time):
``mixed`` — search pages, record pages, file downloads and staff writes (API, one token per
client), while a probe measures the index lag (a record created through the API, then
searched for by a word only it carries, until found); ``ceiling`` — /healthz only, the
trivial view on the same server. Prints one JSON document on stdout.

Kept apart from load_bench.py because locust patches the standard library (gevent).
"""

# ruff: noqa: E402 (gevent must patch the standard library before the other imports)
from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # before anything imports ssl or sockets (locust would do it later)

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict

import gevent
import gevent.event
import requests
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

WORDS = [
    "trafficking",
    "victims",
    "police",
    "training",
    "peacekeeping",
    "prosecution",
    '"trafficking in persons"',
    "traff*",
    "traite des êtres humains",
    "Kosovo",
    "code of conduct",
    "торговля людьми",
]
CONFIG: dict = {}
SAMPLES: dict[str, list[float]] = defaultdict(list)
SERVER_ERRORS: dict[str, int] = defaultdict(int)
OTHER_ERRORS: dict[str, int] = defaultdict(int)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response, exception, **kw):
    SAMPLES[name].append(response_time)
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 or (exception is not None and status == 0):
        SERVER_ERRORS[name] += 1
    elif exception is not None:
        OTHER_ERRORS[name] += 1


def _record_body(title: str) -> dict:
    return {
        "kind": "training_material",
        "original_language": "en",
        "status": "published",
        "access": "public",
        "texts": [{"language": "en", "title": title, "original": True}],
    }


class Mixed(FastHttpUser):
    wait_time = constant(0)
    _next = 0

    def on_start(self):
        tokens = CONFIG["tokens"]
        self.token = tokens[Mixed._next % len(tokens)]
        Mixed._next += 1

    @task(40)
    def search(self):
        self.client.get("/search/", params={"q": random.choice(WORDS)}, name="search")  # noqa: S311

    @task(30)
    def record(self):
        self.client.get(f"/records/{random.choice(CONFIG['records'])}/", name="record page")  # noqa: S311

    @task(15)
    def download(self):
        self.client.get(f"/files/{random.choice(CONFIG['files'])}/", name="download")  # noqa: S311

    @task(15)
    def staff_write(self):
        self.client.post(
            "/api/v1/records",
            json=_record_body(f"Load test note {uuid.uuid4().hex[:12]} (synthetic)"),
            headers={"Authorization": f"Bearer {self.token}"},
            name="staff write",
        )


class Ceiling(FastHttpUser):
    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="trivial view (/healthz)")


def _lag_probe(host: str, token: str, lags: list[float], stop: gevent.event.Event) -> None:
    """Create a record with a word nothing else carries; time until search finds it."""
    session = requests.Session()
    while not stop.is_set():
        try:
            _probe_once(session, host, token, lags, stop)
        except requests.RequestException:  # a timeout under load: try again
            gevent.sleep(1)


def _probe_once(session, host: str, token: str, lags: list[float], stop) -> None:
    word = f"lagprobe{uuid.uuid4().hex[:10]}"
    created = time.monotonic()  # the request's own time counts: an upper bound
    response = session.post(
        f"{host}/api/v1/records",
        json=_record_body(f"Index lag probe {word} (synthetic)"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    if response.status_code != 201:
        gevent.sleep(1)
        return
    while time.monotonic() - created < 60 and not stop.is_set():
        sent = time.monotonic()
        found = session.get(
            f"{host}/api/v1/records",
            params={"q": word},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        if found.status_code == 200 and found.json().get("total", 0) > 0:
            # the first search that found it was sent this long after the creation
            lags.append(sent - created)
            break
        gevent.sleep(0.1)
    gevent.sleep(1)


def _phase(host: str, user_class, users: int, seconds: float) -> float:
    env = Environment(user_classes=[user_class], host=host, events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    started = time.monotonic()
    gevent.sleep(seconds)
    runner.quit()
    return time.monotonic() - started


MIXED = ["search", "record page", "download", "staff write"]


def _reset() -> None:
    SAMPLES.clear()
    SERVER_ERRORS.clear()
    OTHER_ERRORS.clear()


def _summary(names, elapsed: float) -> list[dict]:
    rows = []
    for name in names:
        samples = sorted(SAMPLES.get(name, []))
        if not samples:
            continue
        rows.append(
            {
                "name": name,
                "count": len(samples),
                "server_errors": SERVER_ERRORS.get(name, 0),
                "other_errors": OTHER_ERRORS.get(name, 0),
                "p50_ms": statistics.median(samples),
                "p95_ms": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
                "rps": len(samples) / elapsed,
            }
        )
    return rows


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--config", required=True, help="JSON: records, files, tokens")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=180)
    parser.add_argument("--ceiling-duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--single-duration", type=float, default=15)
    args = parser.parse_args(argv)
    with open(args.config) as fh:
        CONFIG.update(json.load(fh))

    # Warm up every web process (imports, analysers, index readers), then measure.
    _phase(args.host, Mixed, args.users, args.warmup)
    warmup_server_errors = sum(SERVER_ERRORS.values())
    _reset()
    # One client alone: the time a request takes when it does not queue behind others.
    single = _phase(args.host, Mixed, 1, args.single_duration)
    single_rows = _summary(MIXED, single)
    _reset()
    lags: list[float] = []
    stop = gevent.event.Event()
    probe = gevent.spawn(_lag_probe, args.host, CONFIG["probe_token"], lags, stop)
    mixed = _phase(args.host, Mixed, args.users, args.duration)
    stop.set()
    probe.join(timeout=70)
    mixed_rows = _summary(MIXED, mixed)
    ceiling = _phase(args.host, Ceiling, args.users, args.ceiling_duration)
    ceiling_rows = _summary(["trivial view (/healthz)"], ceiling)
    json.dump(
        {
            "mixed_seconds": mixed,
            "mixed_total_rps": sum(r["count"] for r in mixed_rows) / mixed,
            "rows": mixed_rows + ceiling_rows,
            "index_lag_s": sorted(lags),
            "warmup_server_errors": warmup_server_errors,
            "single_client": {r["name"]: r["p50_ms"] for r in single_rows},
            "single_client_5xx": sum(r["server_errors"] for r in single_rows),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
