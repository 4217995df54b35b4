"""A database of its own for processes the tests start (they cannot see pytest-django's),
of the kind the suite runs on: a SQLite file, or a fresh PostgreSQL database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


class ScratchDatabase:
    def __init__(self, tmp_path: Path, prefix: str):
        base = os.environ.get("CLEARINGHOUSE_DATABASE_URL", "")
        self.postgres = base.startswith("postgres")
        if self.postgres:
            import psycopg

            parsed = urlparse(base)
            self.name = f"clearinghouse_{prefix}_{uuid.uuid4().hex[:10]}"
            self.admin = parsed._replace(path="/postgres").geturl()
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = parsed._replace(path=f"/{self.name}").geturl()
        else:
            self.path = tmp_path / f"{prefix}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.demo",
            "CLEARINGHOUSE_DATABASE_URL": self.url,
            "CLEARINGHOUSE_DATA_DIR": str(tmp_path / "data"),
            "CLEARINGHOUSE_JOB_BACKEND": "database",
            "CLEARINGHOUSE_SEARCH_BACKEND": os.environ.get(
                "CLEARINGHOUSE_SEARCH_BACKEND", "tantivy"
            ),
        }

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """``python -m ARGS`` in the project root, against this database."""
        return subprocess.run(
            [sys.executable, "-m", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def migrate(self) -> None:
        self.run("clearinghouse.cli", "migrate", "-v0", timeout=300)

    def rows(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.path, timeout=20) as conn:
            return conn.execute(sql).fetchall()

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
