from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from clearinghouse.web.health import healthz

urlpatterns = [
    path("api/v1/", include("clearinghouse.api.urls")),
    path("", include("clearinghouse.dissemination.urls")),
    path("api/v1/", include("clearinghouse.ingestion.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("clearinghouse.accounts.urls")),
    path("staff/ingest/", include("clearinghouse.ingestion.urls")),
    path("staff/import/", include("clearinghouse.dissemination.staff_urls")),
    path("offline/", include("clearinghouse.dissemination.offline.urls")),
    path("staff/translations/", include("clearinghouse.translation.urls")),
    path("staff/jobs/", include("clearinghouse.jobs.urls")),
    path("staff/analysis/", include("clearinghouse.analysis.staff_urls")),
    path("analysis/gaps/", include("clearinghouse.analysis.urls_gaps")),
    path("analysis/", include("clearinghouse.analysis.framework_urls")),
    path("", include("clearinghouse.directory.urls")),
    path("", include("clearinghouse.web.urls")),
    prefix_default_language=False,
)
