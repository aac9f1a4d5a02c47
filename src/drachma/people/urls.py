from django.urls import path

from drachma.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/identifiers/new/", views.identifier_add, name="identifier_add"),
    path(
        "identifiers/<int:identifier_id>/remove/",
        views.identifier_remove,
        name="identifier_remove",
    ),
    path("<int:person_id>/merge/", views.merge, name="merge"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
]
