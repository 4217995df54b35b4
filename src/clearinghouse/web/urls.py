from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("records/<int:pk>/", views.record, name="record"),
    path("browse/<slug:facet>/", views.browse, name="browse"),
    path("files/<int:pk>/", views.download, name="download"),
]
