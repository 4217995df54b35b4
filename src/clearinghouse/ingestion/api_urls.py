from django.urls import path

from . import api

urlpatterns = [
    path("files", api.files, name="api-ingest-files"),
    path("jobs/<int:pk>", api.job, name="api-ingest-job"),
]
