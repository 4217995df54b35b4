"""Programs the concurrency tests run as separate OS processes (``python -m tests.jobs.procs``).

``write``: change one shared record through the catalogue services, ROUNDS times, after
a start barrier (every writer ready, then all go at once).
``enqueue``: queue N ``tests.jobs.tasks`` tasks.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

SHARED = "concurrency:shared"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")
    import django

    django.setup()


def write(process: int, rounds: int, barrier: Path) -> None:
    _setup()
    from clearinghouse.catalog.services import (
        RecordInput,
        TextInput,
        file_attach_text,
        record_upsert,
    )

    (barrier / f"ready-{process}").touch()
    while not (barrier / "go").exists():
        time.sleep(0.01)
    for round_ in range(rounds):
        record = record_upsert(
            data=RecordInput(
                identifier=SHARED,
                kind="training_material",
                original_language="en",
                texts=[
                    TextInput(language="en", title=f"Shared p{process} r{round_}", is_original=True)
                ],
            ),
            summary=f"p{process} r{round_}",
        )
        file_attach_text(
            record=record, text=f"note of p{process} r{round_}", name="note.txt", language="en"
        )


def enqueue(kind: str, count: int, path: str, seconds: float) -> None:
    _setup()
    from tests.jobs import tasks

    for n in range(count):
        if kind == "slow":
            tasks.slow_mark.enqueue(n, path, seconds)
        else:
            tasks.mark.enqueue(n, path)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("--process", type=int, required=True)
    w.add_argument("--rounds", type=int, required=True)
    w.add_argument("--barrier", type=Path, required=True)
    e = sub.add_parser("enqueue")
    e.add_argument("--kind", choices=["mark", "slow"], default="mark")
    e.add_argument("--count", type=int, required=True)
    e.add_argument("--path", required=True)
    e.add_argument("--seconds", type=float, default=0)
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.process, args.rounds, args.barrier)
    else:
        enqueue(args.kind, args.count, args.path, args.seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
