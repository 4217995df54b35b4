from django.urls import path

from . import workflow_views

app_name = "analysis"
urlpatterns = [
    path("", workflow_views.queue, name="queue"),
    path("records/<int:pk>/", workflow_views.record_workflow, name="record"),
    path("records/<int:pk>/annotation/", workflow_views.annotation_edit, name="annotate"),
    path("records/<int:pk>/review/", workflow_views.review_edit, name="review"),
]
