"""Settings for the test suite: isolated data dir, jobs run at once, fast hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("CLEARINGHOUSE_DATA_DIR", tempfile.mkdtemp(prefix="clearinghouse-test-"))

from .base import *  # noqa: E402, F403
from .base import DATA_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CLEARINGHOUSE_TRANSLATION = {
    "default": {"BACKEND": "clearinghouse.translation.backends.deterministic.DeterministicBackend"}
}
CLEARINGHOUSE_FILES_ROOT = Path(DATA_DIR) / "blobs"
# Tests call the API far faster than people do; tests/api/test_limits.py lowers these.
CLEARINGHOUSE_API_RATE_LIMITS = {
    "anonymous": (100_000, 60),
    "token": (100_000, 60),
    "write": (100_000, 60),
}

# The PostgreSQL search backend's contract suite runs in every test run, also
# when the site itself is on SQLite, against this database.
DATABASES["pgsearch"] = database_from_url(  # noqa: F405
    os.environ.get(
        "CLEARINGHOUSE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/clearinghouse_search"
    )
)
DATABASES["pgsearch"]["TEST"] = {"DEPENDENCIES": []}  # noqa: F405

# Several test runs on one PostgreSQL server (parallel sessions, CI beside a
# developer) use distinct test databases when CLEARINGHOUSE_TEST_DB_SUFFIX is set.
_suffix = os.environ.get("CLEARINGHOUSE_TEST_DB_SUFFIX", "")
if _suffix:
    for _alias, _db in DATABASES.items():  # noqa: F405
        if _db["ENGINE"].endswith("postgresql"):
            _db.setdefault("TEST", {})["NAME"] = f"test_{_db['NAME']}_{_suffix}"
