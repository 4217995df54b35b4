"""The ``clearinghouse`` command: Django management commands under the project's name.

``clearinghouse demo``, ``serve``, ``search``, ``reindex``, ``worker`` and every
Django command (``migrate``, ``createsuperuser`` …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")
    args = sys.argv[1:] if argv is None else argv
    if not args:
        args = ["help", "--commands"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clearinghouse", *args])


if __name__ == "__main__":
    main()
