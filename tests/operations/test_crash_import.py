"""kill -9 during a bulk import, several times at random moments, then run to completion:
the outcome equals one clean import.

Rounds alternate between the web path and the command line. A web round runs
``clearinghouse serve`` (two web processes, a job worker, the index follower), posts the
file to the import API and SIGKILLs the whole process group; a command-line round runs
``clearinghouse import`` beside an ``ingest_worker`` and SIGKILLs both. Meanwhile the
workers ingest a folder of files. Each kill waits until the attempt has committed a chunk;
the first kills at once (so one kill always lands inside the import, however fast the
machine), later ones a random moment more. After the last round everything runs to
completion, and the result is compared with a reference instance that imported and
ingested the same once.
``bench/crash_bench.py`` does the same 20 times at a larger size and prints the tables.
Set CLEARINGHOUSE_CRASH_SEED to replay a seed.
"""

from __future__ import annotations

import os
import random

import pytest

from . import harness

ENTRIES = 120
FILES = 4
KILLS = 3


@pytest.fixture
def instances(tmp_path):
    made = []

    def make(name):
        instance = harness.Instance(tmp_path, name)
        made.append(instance)
        instance.run("migrate", "-v0")
        return instance

    yield make
    for instance in made:
        instance.drop()


def test_killing_import_and_worker_repeatedly_ends_as_one_clean_import(tmp_path, instances):
    seed = int(os.environ.get("CLEARINGHOUSE_CRASH_SEED", random.randrange(1_000_000)))
    ris = harness.ris_file(tmp_path / "bulk.ris", ENTRIES)
    folder = harness.text_files(tmp_path / "handouts", FILES)
    reference, crashed = instances("reference"), instances("crashed")
    harness.clean_import(reference, ris, folder)

    run = harness.crash_import(crashed, ris, folder, kills=KILLS, seed=seed)

    landed = [k for k in run.kills if k.import_alive and k.import_cursor < k.import_total]
    assert landed, f"no kill landed inside the import (seed {seed}): {run.kills}"
    expected, actual = harness.state(reference), harness.state(crashed)
    assert actual == expected, f"seed {seed}"
    assert actual["records"] == actual["distinct identifiers"] == ENTRIES - ENTRIES // 20 + FILES
    assert actual["files per blob > 1"] == 0
    assert actual["ingest jobs not finished"] == 0
    assert harness.dangling(crashed) == []
    crashed.run("verify-files")
