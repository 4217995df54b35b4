from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("roster/", views.roster_list, name="roster"),
    path(
        "organisations/<int:pk>/", views.agent_page, {"kind": "organisation"}, name="organisation"
    ),
    path("people/<int:pk>/", views.agent_page, {"kind": "person"}, name="person"),
    path("match/", views.match_page, name="match"),
    path("staff/roster/duplicates/", views.duplicates, name="duplicates"),
    path("staff/roster/merge/", views.merge, name="merge"),
    path("staff/roster/people/<int:pk>/export/", views.export, name="export"),
    path("staff/roster/people/<int:pk>/erase/", views.erase, name="erase"),
]
