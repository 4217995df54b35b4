from django.urls import path

from . import gaps_views

app_name = "gaps"
urlpatterns = [
    path("", gaps_views.gap_matrix_page, name="matrix"),
    path("cell/", gaps_views.gap_cell_page, name="cell"),
    path("gaps.csv", gaps_views.gap_matrix_csv, name="csv"),
    path("gaps.json", gaps_views.gap_matrix_json, name="json"),
    path("gaps.svg", gaps_views.gap_matrix_svg, name="svg"),
    path("gaps.png", gaps_views.gap_matrix_png, name="png"),
    path("gap-report.pdf", gaps_views.gap_matrix_pdf, name="pdf"),
]
