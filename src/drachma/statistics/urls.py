from django.urls import path

from drachma.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("tables/<slug:by>.<slug:fmt>", views.table_export, name="table_export"),
    path("incidents.<slug:fmt>", views.incidents_export, name="incidents_export"),
    path("foi/", views.foi_answer, name="foi"),
    path("foi/requests/", views.foi_requests, name="foi_requests"),
    path("foi/requests/new/", views.foi_request_new, name="foi_request_new"),
    path("foi/requests/<str:foi_reference>/", views.foi_request, name="foi_request"),
    path(
        "foi/requests/<str:foi_reference>/answer/",
        views.foi_request_answer,
        name="foi_request_answer",
    ),
    path(
        "foi/requests/<str:foi_reference>/answer.csv",
        views.foi_request_csv,
        name="foi_request_csv",
    ),
    path("board-report/", views.board_report, name="board_report"),
]
