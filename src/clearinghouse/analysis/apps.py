from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "clearinghouse.analysis"
    label = "analysis"
    verbose_name = _("analysis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clearinghouse.search.indexer import FOLLOWERS

        from .gaps.coverage import sync

        if sync not in FOLLOWERS:
            FOLLOWERS.append(sync)
