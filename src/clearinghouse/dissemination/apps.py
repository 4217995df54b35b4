from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisseminationConfig(AppConfig):
    name = "clearinghouse.dissemination"
    label = "dissemination"
    verbose_name = _("Dissemination and interoperability")
    default_auto_field = "django.db.models.BigAutoField"
