"""A rich progress display for the stages of a backup or a restore."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn


@contextlib.contextmanager
def stage_progress(command, verbosity: int) -> Iterator[Callable[[str, int, int], None]]:
    """Yields ``tick(stage, done, total)``; one bar per stage (hidden at verbosity 0)."""
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=verbosity == 0,
        transient=not command.stdout.isatty(),
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield tick
