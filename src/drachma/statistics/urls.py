from django.urls import path

from drachma.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.overview, name="overview"),
    # Before the one-breakdown pattern, whose slug would also match "borough-by-kind".
    path("tables/<slug:by>-by-<slug:by2>.<slug:fmt>", views.crosstab_export, name="crosstab_export"),
    path("tables/<slug:by>.<slug:fmt>", views.table_export, name="table_export"),
    path("incidents.<slug:fmt>", views.incidents_export, name="incidents_export"),
    path("foi/", views.foi_answer, name="foi"),
    path("board-report/", views.board_report, name="board_report"),
]
