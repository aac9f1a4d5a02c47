from django.urls import path

from drachma.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export/", views.export, name="export"),
    path("verify/", views.verify_chain, name="verify"),
    path("purpose/", views.purpose, name="purpose"),
    path("disclosures/", views.disclosures, name="disclosures"),
]
