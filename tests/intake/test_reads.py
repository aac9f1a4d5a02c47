"""Reads of reports and referrals: the page and the API go through the same selectors, so they
hide who reported from the same roles and record the same view."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from drachma.audit.models import AuditEntry
from drachma.intake import selectors, services
from drachma.intake.models import Referral, Report

pytestmark = pytest.mark.django_db


def views(model: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="view", model=model).order_by("seq"))


@pytest.fixture
def report(db):
    return services.submit_report(
        reporter_type="public",
        concern="confrontation_happened",
        text="Two men were filmed outside the shop.",
        place="Preston",
        reporter_name="Jo Bloggs",
        reporter_phone="07911 123456",
    )


@pytest.fixture
def referral(db):
    return services.submit_report(
        reporter_type="group", concern="possible_offender", text="A referral."
    ).referral


@pytest.mark.parametrize("role", ["safeguarding_officer", "investigator"])
def test_a_report_read_on_the_page_and_through_the_api_records_the_same_view(
    client_as, report, role
):
    client = client_as(role)
    assert client.get(reverse("intake:detail", args=[report.reference])).status_code == 200
    assert client.get(f"/api/intake/reports/{report.reference}").status_code == 200
    page, api = views("intake.report")
    assert page.object_id == api.object_id == str(report.pk)
    assert page.changes == api.changes
    # Only the investigation team sees who reported, and the view says so.
    expected = {"fields": ["reporter_contact"]} if role == "investigator" else {}
    assert page.changes == expected


def test_who_reported_is_hidden_from_the_page_and_the_api_alike(client_as, report):
    client = client_as("safeguarding_officer")
    page = client.get(reverse("intake:detail", args=[report.reference]))
    assert "Jo Bloggs" not in page.content.decode()
    assert client.get(f"/api/intake/reports/{report.reference}").json()["contact"] is None
    investigator = client_as("investigator")
    assert (
        "Jo Bloggs"
        in investigator.get(reverse("intake:detail", args=[report.reference])).content.decode()
    )
    contact = investigator.get(f"/api/intake/reports/{report.reference}").json()["contact"]
    assert contact["name"] == "Jo Bloggs"


def test_the_selector_masks_the_contact_and_the_masked_report_cannot_be_saved(make_user, report):
    shown = selectors.report_for(make_user("safeguarding_officer"), report.reference)
    assert shown.reporter_name is None and shown.reporter_phone is None
    assert shown.text == report.text
    with pytest.raises(PermissionDenied, match="masked for a viewer"):
        shown.save()
    assert Report.objects.get(pk=report.pk).reporter_name == "Jo Bloggs"


def test_the_queue_page_and_api_record_the_same_list_view(client_as, report):
    client = client_as("safeguarding_officer")
    assert client.get(reverse("intake:queue")).status_code == 200
    assert client.get("/api/intake/reports").status_code == 200
    page, api = views("intake.report")
    assert page.changes["ids"] == api.changes["ids"] == [str(report.pk)]


def test_a_referral_and_the_referral_list_record_the_same_views_on_both_doors(client_as, referral):
    client = client_as("investigator")
    client.get(reverse("intake:referral_list"))
    client.get("/api/intake/referrals")
    client.get(reverse("intake:referral_detail", args=[referral.reference]))
    client.get(f"/api/intake/referrals/{referral.reference}")
    page_list, api_list, page_one, api_one = views("intake.referral")
    assert page_list.changes["ids"] == api_list.changes["ids"] == [str(referral.pk)]
    assert page_one.object_id == api_one.object_id == str(referral.pk)


def test_a_step_records_no_view_until_its_result_is_read(client_as, report):
    client = client_as("safeguarding_officer")
    response = client.post(
        reverse("intake:assign", args=[report.reference]), {"assignee": ""}, follow=False
    )
    assert response.status_code == 302
    assert views("intake.report") == []
    assert Report.objects.get(pk=report.pk).assigned_to is not None


def test_an_unknown_report_or_referral_is_404_on_both_doors(client_as):
    client = client_as("investigator")
    assert client.get(reverse("intake:detail", args=["IR-2026-999999"])).status_code == 404
    assert client.get("/api/intake/reports/IR-2026-999999").status_code == 404
    assert client.get("/api/intake/referrals/RF-2026-999999").status_code == 404
    assert not Referral.objects.exists()
    assert views("intake.report") == [] and views("intake.referral") == []
