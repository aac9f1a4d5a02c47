from django.urls import path

from drachma.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("defendants/<int:defendant_id>/", views.defendant_edit, name="defendant_edit"),
    path("defendants/<int:defendant_id>/charges/new/", views.charge_add, name="charge_add"),
    path("defendants/<int:defendant_id>/sentence/", views.sentence_add, name="sentence_add"),
    path("notices/<int:notice_id>/done/", views.notice_done, name="notice_done"),
    path("incidents/<str:reference>/outcome/", views.incident_outcome, name="incident_outcome"),
    path("<str:urn>/", views.case_detail, name="detail"),
    path("<str:urn>/edit/", views.case_edit, name="edit"),
    path("<str:urn>/defendants/new/", views.defendant_add, name="defendant_add"),
    path("<str:urn>/hearings/new/", views.hearing_add, name="hearing_add"),
    path("<str:urn>/results/new/", views.result_add, name="result_add"),
]
