from django.urls import path

from drachma.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("upload/", views.item_upload, name="upload"),
    path("items/<str:exhibit_ref>/", views.item_detail, name="detail"),
    path("items/<str:exhibit_ref>/file/", views.item_download, name="download"),
    path("items/<str:exhibit_ref>/custody/", views.custody_add, name="custody_add"),
    path("items/<str:exhibit_ref>/continuity/", views.continuity, name="continuity"),
    path("items/<str:exhibit_ref>/continuity.pdf", views.continuity_pdf, name="continuity_pdf"),
    path("items/<str:exhibit_ref>/continuity.txt", views.continuity_text, name="continuity_text"),
    path(
        "items/<str:exhibit_ref>/continuity/print/",
        views.continuity_print,
        name="continuity_print",
    ),
    path("items/<str:exhibit_ref>/conversation/", views.conversation, name="conversation"),
    path(
        "items/<str:exhibit_ref>/conversation/read/",
        views.conversation_parse,
        name="conversation_parse",
    ),
    path("incidents/<str:reference>/disclosure/", views.disclosure, name="disclosure"),
    path("incidents/<str:reference>/disclosure/add/", views.disclosure_add, name="disclosure_add"),
    path(
        "incidents/<str:reference>/disclosure/<str:schedule>.pdf",
        views.schedule_pdf,
        name="schedule_pdf",
    ),
    path(
        "incidents/<str:reference>/disclosure/<str:schedule>.csv",
        views.schedule_csv,
        name="schedule_csv",
    ),
    path(
        "incidents/<str:reference>/disclosure/<str:schedule>/print/",
        views.schedule_print,
        name="schedule_print",
    ),
    path(
        "disclosure/to-review/",
        views.schedules_to_review,
        name="schedules_to_review",
    ),
    path("disclosure/<int:disclosure_id>/", views.disclosure_edit, name="disclosure_edit"),
    path("incidents/<str:reference>/bundle/", views.bundle, name="bundle"),
]
