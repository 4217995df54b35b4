from django.urls import path

from . import contribute, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("records/<int:pk>/", views.record, name="record"),
    path("browse/<slug:facet>/", views.browse, name="browse"),
    path("files/<int:pk>/", views.download, name="download"),
    path("contribute/", contribute.contributions, name="contributions"),
    path("contribute/new/", contribute.contribution_new, name="contribution_new"),
    path("contribute/<int:pk>/", contribute.contribution_edit, name="contribution_edit"),
]
