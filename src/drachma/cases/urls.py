from django.urls import path

from drachma.cases import disclosure_views as dv
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
    path("disclosure/material/<int:material_id>/", dv.material_edit, name="material_edit"),
    path("disclosure/schedules/<int:schedule_id>/", dv.schedule_detail, name="schedule"),
    path(
        "disclosure/schedules/<int:schedule_id>/certify/",
        dv.schedule_certify,
        name="schedule_certify",
    ),
    path(
        "disclosure/schedules/<int:schedule_id>/schedule.pdf", dv.schedule_pdf, name="schedule_pdf"
    ),
    path(
        "disclosure/schedules/<int:schedule_id>/schedule.csv", dv.schedule_csv, name="schedule_csv"
    ),
    path("disclosure/candidates/<int:candidate_id>/", dv.candidate_decide, name="candidate"),
    path("disclosure/requests/<int:request_id>/answer/", dv.request_answer, name="request_answer"),
    path("<str:urn>/", views.case_detail, name="detail"),
    path("<str:urn>/disclosure/", dv.overview, name="disclosure"),
    path("<str:urn>/disclosure/material/new/", dv.material_add, name="material_add"),
    path("<str:urn>/disclosure/candidates/", dv.candidates_offer, name="candidates_offer"),
    path("<str:urn>/disclosure/requests/new/", dv.request_add, name="request_add"),
    path("<str:urn>/disclosure/dmd/", dv.dmd_edit, name="dmd"),
    path("<str:urn>/disclosure/dmd.pdf", dv.dmd_pdf, name="dmd_pdf"),
    path("<str:urn>/bundle/", dv.bundle, name="bundle"),
    path("<str:urn>/edit/", views.case_edit, name="edit"),
    path("<str:urn>/defendants/new/", views.defendant_add, name="defendant_add"),
    path("<str:urn>/hearings/new/", views.hearing_add, name="hearing_add"),
    path("<str:urn>/results/new/", views.result_add, name="result_add"),
]
