from django.urls import path

from drachma.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("tables/<slug:by>.<slug:fmt>", views.table_export, name="table_export"),
    path("incidents.<slug:fmt>", views.incidents_export, name="incidents_export"),
    path("foi/", views.foi_answer, name="foi"),
    path("board-report/", views.board_report, name="board_report"),
]
