from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Backup, restore, file integrity and orphan collection (no models of its own)."""

    name = "clearinghouse.operations"
    label = "operations"
    verbose_name = "Operations"
