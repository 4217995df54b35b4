from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("clearinghouse.api.urls")),
    path("", include("clearinghouse.dissemination.urls")),
    path("api/v1/", include("clearinghouse.ingestion.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("clearinghouse.accounts.urls")),
    path("staff/ingest/", include("clearinghouse.ingestion.urls")),
    path("staff/import/", include("clearinghouse.dissemination.staff_urls")),
    path("staff/translations/", include("clearinghouse.translation.urls")),
    path("", include("clearinghouse.web.urls")),
    prefix_default_language=False,
)
