from django.urls import path

from . import views

app_name = "translation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("records/<int:pk>/", views.record_versions, name="record"),
    path("records/<int:pk>/machine/", views.machine_translate, name="machine"),
    path("records/<int:pk>/<str:language>/", views.edit_version, name="edit"),
    path("records/<int:pk>/<str:language>/delete/", views.delete_version, name="delete"),
]
