from django.urls import path

from . import views

app_name = "ingestion"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("batches/<int:pk>/", views.batch, name="batch"),
]
