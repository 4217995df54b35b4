from django.urls import path

from . import framework_views

app_name = "framework"
urlpatterns = [
    path("appendix-c/", framework_views.appendix_c, name="appendix_c"),
    path("records/<int:pk>/annotation/", framework_views.annotation_history, name="versions"),
]
