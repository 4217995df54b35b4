"""Load test: `clearinghouse serve --workers 4` under 50 concurrent clients, per database.

For each database (SQLite, PostgreSQL) this script makes a throwaway data directory (and,
for PostgreSQL, the database ``clearinghouse_load``, dropped afterwards), loads the demo
catalogue plus synthetic records, starts the server on a free loopback port, and runs
bench/load_users.py (locust): search pages, record pages, downloads and staff writes
mixed, then the trivial view alone (the ceiling of this server and machine). It prints a
table per database: request type, count, 5xx, p50, p95, requests per second, and the
index lag (a record created through the API until search finds it).

    .venv/bin/python bench/load_bench.py                       # both, 3 minutes each
    .venv/bin/python bench/load_bench.py --duration 60 --databases sqlite

Loopback only; bounded in time (duration + ceiling + setup). Never run as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("CLEARINGHOUSE_LOAD_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "clearinghouse_load"

SETUP = r"""
import json
from django.contrib.auth import get_user_model
from clearinghouse.accounts.models import Profile
from clearinghouse.accounts.services.accounts import sync_role_flags
from clearinghouse.api.tokens import token_create
from clearinghouse.catalog.models import Record, RecordFile
from clearinghouse.catalog.policies import can_download, filter_records
from clearinghouse.core.policy import ANONYMOUS

user = get_user_model().objects.create_user(username="load-analyst", is_staff=True)
Profile.objects.create(user=user, role="analyst", approval=Profile.Approval.APPROVED)
sync_role_flags(user, "analyst")
tokens = [token_create(user=user, name=f"load {i}")[1] for i in range(CLIENTS + 1)]
records = list(filter_records(ANONYMOUS, Record.objects.all()).values_list("pk", flat=True))
files = [
    f.pk
    for f in RecordFile.objects.select_related("record", "blob").filter(record_id__in=records)
    if can_download(ANONYMOUS, f)
]
print(json.dumps({"records": records, "files": files, "tokens": tokens[1:],
                  "probe_token": tokens[0]}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def clearinghouse(env: dict, *args: str, timeout: float = 1800) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "clearinghouse.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise SystemExit(f"clearinghouse {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


# The age of the oldest change the index has not applied yet (0 when it is caught up).
LAG_SQL = """
SELECT MIN(created_at) FROM search_indexoutbox
WHERE id > COALESCE((SELECT MAX(position) FROM search_indexcursor WHERE name LIKE 'tantivy:%'), 0)
"""


def sample_index_lag(database_url: str, stop: threading.Event, samples: list[float]) -> None:
    """Every 0.5 s, straight from the database (no Django here)."""
    while not stop.wait(0.5):
        try:
            if database_url.startswith("postgres"):
                import psycopg

                with psycopg.connect(database_url) as conn:
                    oldest = conn.execute(LAG_SQL).fetchone()[0]
            else:
                path = urlparse(database_url).path
                with sqlite3.connect(path, timeout=5) as conn:
                    raw = conn.execute(LAG_SQL).fetchone()[0]
                oldest = dt.datetime.fromisoformat(raw).replace(tzinfo=dt.UTC) if raw else None
        except Exception:  # noqa: S112 (a missed sample is not a result)
            continue
        now = dt.datetime.now(dt.UTC)
        samples.append((now - oldest).total_seconds() if oldest else 0.0)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


def run_one(database: str, args) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"clearinghouse-load-{database}-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.demo",
        "CLEARINGHOUSE_DATA_DIR": str(data_dir),
        "CLEARINGHOUSE_SEARCH_BACKEND": "tantivy",
        "CLEARINGHOUSE_JOB_BACKEND": "database",
    }
    if database == "postgres":
        pg_execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        pg_execute(f'CREATE DATABASE "{PG_NAME}"')
        env["CLEARINGHOUSE_DATABASE_URL"] = urlparse(PG_ADMIN)._replace(path=f"/{PG_NAME}").geturl()
    else:
        env["CLEARINGHOUSE_DATABASE_URL"] = f"sqlite:///{data_dir / 'clearinghouse.sqlite3'}"
    server = None
    try:
        started = time.monotonic()
        clearinghouse(env, "demo", "--no-serve", f"--synthetic={args.synthetic}")
        shell = clearinghouse(env, "shell", "-c", SETUP.replace("CLIENTS", str(args.users)))
        setup = json.loads(shell.strip().splitlines()[-1])
        print(
            f"[{database}] set up in {time.monotonic() - started:.0f} s: "
            f"{len(setup['records'])} public records, {len(setup['files'])} public files",
            file=sys.stderr,
        )
        config = data_dir / "load.json"
        config.write_text(json.dumps(setup))
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "clearinghouse.cli",
                "serve",
                f"--port={port}",
                f"--workers={args.workers}",
                "--job-workers=1",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        host = f"http://127.0.0.1:{port}"
        wait_until_up(f"{host}/healthz", server)
        lag_samples: list[float] = []
        stop = threading.Event()
        sampler = threading.Thread(
            target=sample_index_lag,
            args=(env["CLEARINGHOUSE_DATABASE_URL"], stop, lag_samples),
            daemon=True,
        )
        sampler.start()
        clients = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "load_users.py"),
                f"--host={host}",
                f"--config={config}",
                f"--users={args.users}",
                f"--duration={args.duration}",
                f"--ceiling-duration={args.ceiling_duration}",
                f"--warmup={args.warmup}",
                f"--single-duration={args.single_duration}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=args.duration
            + args.ceiling_duration
            + args.warmup
            + args.single_duration
            + 300,
        )
        stop.set()
        sampler.join()
        if clients.returncode:
            raise SystemExit(f"load_users failed:\n{clients.stderr[-3000:]}")
        result = json.loads(clients.stdout)
        result["outbox_lag_s"] = sorted(lag_samples)
        return result
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        if database == "postgres":
            pg_execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def print_table(database: str, result: dict, args) -> None:
    print(
        f"\n{database}: serve --workers {args.workers}, {args.users} clients, "
        f"{result['mixed_seconds']:.0f} s mixed + {args.ceiling_duration:.0f} s trivial view"
    )
    header = f"{'request type':<26}{'count':>8}{'5xx':>6}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}"
    print(f"{header}{'1 client p50 ms':>17}")
    single = result.get("single_client", {})
    for row in result["rows"]:
        alone = f"{single[row['name']]:>17.0f}" if row["name"] in single else ""
        print(
            f"{row['name']:<26}{row['count']:>8}{row['server_errors']:>6}"
            f"{row['p50_ms']:>9.0f}{row['p95_ms']:>9.0f}{row['rps']:>9.1f}{alone}"
        )
    print(
        f"5xx during the {args.warmup:.0f} s warm-up (not in the table): "
        f"{result['warmup_server_errors']}; during the one-client phase: "
        f"{result.get('single_client_5xx', 0)}"
    )
    print(f"{'mixed, all types':<26}{'':>8}{'':>6}{'':>9}{'':>9}{result['mixed_total_rps']:>9.1f}")
    lags = result["outbox_lag_s"]
    if lags:
        print(
            "index lag (age of the oldest change not yet in the index, every 0.5 s): "
            f"median {_pct(lags, 0.5):.2f} s, p95 {_pct(lags, 0.95):.2f} s, max {lags[-1]:.2f} s"
        )
    probes = result["index_lag_s"]
    if probes:
        print(
            f"index lag seen by a client (record POSTed → found by search): {len(probes)} "
            f"probes, median {_pct(probes, 0.5):.2f} s, max {probes[-1]:.2f} s"
        )
    else:
        print("index lag seen by a client: no probe completed")


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--duration", type=float, default=180, help="mixed phase, seconds")
    parser.add_argument("--ceiling-duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--single-duration", type=float, default=15)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--synthetic", type=int, default=2000)
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at start")
    for database in args.databases.split(","):
        result = run_one(database.strip(), args)
        print_table(database.strip(), result, args)
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
