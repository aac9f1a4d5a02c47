from django.urls import path

from drachma.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<str:reference>/", views.incident_detail, name="detail"),
    path("<str:reference>/edit/", views.incident_edit, name="edit"),
    path(
        "<str:reference>/status/<str:incident_transition>/",
        views.incident_transition,
        name="transition",
    ),
    path("<str:reference>/people/", views.involvement_add, name="involvement_add"),
    path(
        "<str:reference>/people/<int:involvement_id>/remove/",
        views.involvement_remove,
        name="involvement_remove",
    ),
    path("<str:reference>/linked-cases/", views.linked_case_add, name="linked_case_add"),
]
