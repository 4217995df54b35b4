"""``clearinghouse index_follow``: keep this machine's on-disk search index caught up.

Each web machine runs one (``serve`` starts it): it applies the shared outbox to the
local index every ``--interval`` seconds, under the index's own cursor, so every
machine's index catches up by itself and can be rebuilt alone (``reindex``).
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = "Apply the index outbox to this machine's search index, every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--once", action="store_true", help="catch up once, then exit")

    def handle(self, *args, **options):
        from clearinghouse.search.indexer import apply_outbox

        stopping = False

        def _stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stopping:
            close_old_connections()
            try:
                applied = apply_outbox()
            except Exception as exc:  # a transient database error: try again next time
                self.stderr.write(f"index_follow: {exc}")
                applied = 0
            if options["once"]:
                self.stdout.write(f"{applied} change(s) applied")
                return
            if not applied:
                time.sleep(options["interval"])
