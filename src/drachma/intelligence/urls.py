from django.urls import path

from drachma.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/disclose/", views.entry_disclose, name="entry_disclose"),
    path("entries/<int:entry_id>/<slug:action>/", views.entry_transition, name="entry_transition"),
]
