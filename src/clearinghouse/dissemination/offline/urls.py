from django.urls import path

from . import views

app_name = "offline"
urlpatterns = [
    path("", views.public_key_page, name="key"),
    path("staff/", views.staff_page, name="staff"),
    path("staff/<int:pk>/", views.job_page, name="job"),
    path("staff/<int:pk>/<slug:kind>/", views.job_download, name="download"),
]
