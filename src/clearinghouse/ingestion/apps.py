from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestionConfig(AppConfig):
    name = "clearinghouse.ingestion"
    verbose_name = _("Ingestion")
    default_auto_field = "django.db.models.BigAutoField"
