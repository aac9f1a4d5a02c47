from django.urls import path

from drachma.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("overview/", views.overview, name="overview"),
    path("incidents/<str:reference>/assess/", views.assess, name="assess"),
    path("incidents/<str:reference>/actions/new/", views.action_add, name="action_add"),
    path("incidents/<str:reference>/exposure/new/", views.exposure_add, name="exposure_add"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/owner/", views.action_reassign, name="action_reassign"),
    path("actions/<int:action_id>/time/", views.action_time, name="action_time"),
    path(
        "actions/<int:action_id>/<str:action_transition>/",
        views.action_transition,
        name="action_transition",
    ),
]
