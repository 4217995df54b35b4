"""The one error of the offline edition, importable without Django (delta apply uses it)."""


class EditionRefused(Exception):
    """The edition cannot be built, verified or updated as asked; the message says why."""
