from django.urls import path, register_converter

from clearinghouse.directory import api as roster_api

from . import reference, submissions, views, writes
from .base import api_endpoint, route


class IdConverter:
    """Database ids: at most 18 digits, so no id overflows a 64-bit column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("records", route(GET=views.records, POST=writes.record_create), name="api-records"),
    path(
        "records/<id:pk>",
        route(
            GET=views.record,
            PATCH=api_endpoint("PATCH")(submissions.record_patch),
            PUT=writes.record_replace,
            DELETE=writes.record_withdraw,
        ),
        name="api-record",
    ),
    path(
        "records/<id:pk>/texts/<str:language>",
        route(PUT=writes.text_put, DELETE=writes.text_delete),
        name="api-record-text",
    ),
    path(
        "records/<id:pk>/files",
        route(GET=views.record_files, POST=writes.file_create),
        name="api-record-files",
    ),
    path(
        "records/<id:pk>/export/<str:format_name>",
        views.record_export,
        name="api-record-export",
    ),
    path("files/<id:pk>", views.file_detail, name="api-file"),
    path("export/<str:format_name>", views.export, name="api-export"),
    path("formats", views.formats, name="api-formats"),
    path("imports", route(POST=writes.imports), name="api-imports"),
    path(
        "submissions",
        route(POST=api_endpoint("POST")(submissions.submissions)),
        name="api-submissions",
    ),
    path("vocabularies", reference.vocabularies, name="api-vocabularies"),
    path("vocabularies/<str:scheme>", reference.vocabulary, name="api-vocabulary"),
    path("vocabularies/<str:scheme>/<str:code>", reference.concept, name="api-concept"),
    path("organisations", reference.organisations, name="api-organisations"),
    path("organisations/<str:key>", reference.organisation, name="api-organisation"),
    path("experts", roster_api.experts, name="api-experts"),
    path("experts/<str:key>", roster_api.expert, name="api-expert"),
    path("match", roster_api.match_need, name="api-match"),
    path("openapi.json", views.openapi, name="api-openapi"),
]
