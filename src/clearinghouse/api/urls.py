from django.urls import path

from . import views

urlpatterns = [
    path("records", views.records, name="api-records"),
    path("records/<int:pk>", views.record, name="api-record"),
    path("openapi.json", views.openapi, name="api-openapi"),
]
