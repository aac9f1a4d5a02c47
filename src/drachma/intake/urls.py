from django.urls import path

from drachma.intake import official_views, public, views

app_name = "intake"
urlpatterns = [
    path("report/", public.report_page, name="report"),
    path("reports/", views.report_list, name="queue"),
    path("reports/<str:report_ref>/", views.report_detail, name="detail"),
    path("reports/<str:report_ref>/assign/", views.report_assign, name="assign"),
    path("reports/<str:report_ref>/close/", views.report_close, name="close"),
    path("reports/<str:report_ref>/reopen/", views.report_reopen, name="reopen"),
    path("reports/<str:report_ref>/keep/", views.report_keep, name="keep"),
    path("reports/<str:report_ref>/link/", views.report_link, name="link"),
    path("reports/<str:report_ref>/refer/", views.report_refer, name="refer"),
    path("reports/<str:report_ref>/incident/", views.report_convert, name="convert"),
    path("reports/<str:report_ref>/matches/", views.report_rematch, name="rematch"),
    path("referrals-in/new/", official_views.referral_in, name="referral_in"),
    path("quarantine/", official_views.quarantine_list, name="quarantine"),
    path(
        "quarantine/<int:file_id>/file/",
        official_views.quarantine_download,
        name="quarantine_download",
    ),
    path(
        "quarantine/<int:file_id>/grade/", official_views.quarantine_grade, name="quarantine_grade"
    ),
    path(
        "reports/<str:report_ref>/files/<int:position>/quarantine/",
        official_views.file_quarantine,
        name="file_quarantine",
    ),
    path("reports/<str:report_ref>/onward/", official_views.onward_add, name="onward_add"),
    path("onward/<int:onward_id>/answer/", official_views.onward_answer, name="onward_answer"),
    path(
        "onward/<int:onward_id>/withdraw/", official_views.onward_withdraw, name="onward_withdraw"
    ),
    path("known/", views.known_check, name="known"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<str:referral_ref>/", views.referral_detail, name="referral_detail"),
    path(
        "referrals/<str:referral_ref>/reassign/", views.referral_reassign, name="referral_reassign"
    ),
    path(
        "referrals/<str:referral_ref>/<str:referral_action>/",
        views.referral_transition,
        name="referral_transition",
    ),
]
