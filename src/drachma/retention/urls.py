from django.urls import path

from drachma.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.due_list, name="due"),
    path("decisions/", views.decisions, name="decisions"),
    path("<str:kind>/<str:record_id>/", views.review, name="review"),
]
