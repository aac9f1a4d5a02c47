from django.urls import path

from drachma.takedown import views

app_name = "takedown"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("queue/", views.work_queue, name="queue"),
    path("match/", views.match_file_page, name="match"),
    path("figures/", views.figures, name="figures"),
    path("figures.csv", views.figures_csv, name="figures_csv"),
    path("banks/", views.bank_list, name="banks"),
    path("banks/new/", views.bank_create, name="bank_create"),
    path("banks/<int:bank_id>/", views.bank_edit, name="bank_edit"),
    path("banks/import/", views.bank_import, name="bank_import"),
    path("banks/<int:bank_id>/export/", views.bank_export, name="bank_export"),
    path("captures/<int:capture_id>/false-match/", views.capture_false_match, name="false_match"),
    path("matches/<int:match_id>/", views.match_compare, name="match_compare"),
    path("captures/<int:capture_id>/image/", views.capture_image, name="capture_image"),
    path("matches/<int:match_id>/review/", views.match_review, name="match_review"),
    # The publication log, per incident, for the prosecutor.
    path("incidents/<str:reference>/publications/", views.publications, name="publications"),
    path(
        "incidents/<str:reference>/publications/add/", views.publication_add, name="publication_add"
    ),
    path("publications/<int:publication_id>/", views.publication_edit, name="publication_edit"),
    path(
        "requests/<str:request_ref>/<str:request_action>/",
        views.request_transition,
        name="transition",
    ),
    path("<str:item_ref>/", views.item_detail, name="detail"),
    path("<str:item_ref>/edit/", views.item_edit, name="edit"),
    path("<str:item_ref>/captures/", views.item_capture, name="capture"),
    path("<str:item_ref>/requests/", views.request_open, name="open_request"),
]
