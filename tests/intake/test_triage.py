"""Routing on arrival, the triage queue, and every triage decision (each one audited)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.core.models import Notification
from drachma.evidence.models import EvidenceItem
from drachma.groups.services import save_group
from drachma.incidents.models import Incident
from drachma.incidents.services import create_incident
from drachma.intake import services
from drachma.intake.models import LinkedRecord, Referral, Report, ReportEvent, ReportStatus
from drachma.intake.workflow import TRIAGE
from drachma.people.services import create_person
from tests.intake.conftest import CHAT_EXPORT, PNG, incident_fields, upload
from tests.workflows import put_in_state

pytestmark = pytest.mark.django_db


def decisions(report):
    return list(
        AuditEntry.objects.filter(
            model="intake.report", object_id=str(report.pk), action="decision"
        )
        .order_by("seq")
        .values_list("changes__decision", flat=True)
    )


# --- routing ------------------------------------------------------------------------------


def test_a_possible_offender_becomes_a_referral_with_what_investigators_need(
    make_report, make_user
):
    investigator = make_user("investigator")
    analyst = make_user("analyst")
    report = make_report(
        concern="possible_offender",
        reporter_type="group",
        text="Our decoy was messaged by @dave_k. See https://www.tiktok.com/@dave_k/video/1",
        handles="snapchat: @dave.k.snap",
        phones="0161 496 0123",
        links="https://x.com/DaveK_1980?s=20",
        files=[upload("chat.txt", CHAT_EXPORT), upload("shot.png", PNG)],
    )
    referral = Referral.objects.get(report=report)
    assert report.status == ReportStatus.REFERRED
    assert referral.status == "open" and referral.created_by is None
    assert referral.due_date == timezone.localdate() + datetime.timedelta(days=3)
    assert referral.platforms == ["snapchat", "tiktok", "x"]
    assert {"platform": "snapchat", "handle": "dave.k.snap"} in referral.handles
    assert {"platform": "tiktok", "handle": "dave_k"} in referral.handles
    assert referral.links == ["https://x.com/davek_1980", "https://tiktok.com/@dave_k/video/1"]
    assert referral.phones == ["+441614960123"]
    assert sorted(i.original_filename for i in referral.material.all()) == ["chat.txt", "shot.png"]
    assert referral.summary == report.text
    assert Notification.objects.filter(
        recipient=investigator, subject__startswith=f"New referral {referral.reference}"
    ).exists()
    assert not Notification.objects.filter(recipient=analyst).exists()
    assert ReportEvent.objects.get(report=report).transition == "refer"


def test_a_planned_confrontation_is_urgent_and_reaches_safeguarding(
    make_report, make_user, client_as
):
    officers = [
        make_user("safeguarding_officer"),
        make_user("safeguarding_officer"),
        make_user("supervisor"),
    ]
    others = [make_user("investigator"), make_user("analyst")]
    report = make_report(
        concern="confrontation_planned", text="They will go to his house tonight.", place="Bury"
    )
    assert report.urgent and report.status == ReportStatus.NEW
    for user in officers:
        note = Notification.objects.get(recipient=user)
        assert note.subject == f"URGENT report {report.reference}: a planned confrontation"
        assert note.link == f"/intake/reports/{report.reference}/"
        assert "tonight" not in note.body  # what was reported never leaves in an e-mail
    assert not Notification.objects.filter(recipient__in=others).exists()
    html = client_as(user=officers[0]).get("/").content.decode()
    assert "Urgent and untriaged" in html and report.reference in html


def test_urgent_reports_top_the_queue(make_report, client_as):
    older = make_report(text="old one")
    urgent = make_report(concern="confrontation_planned", text="tonight")
    newer = make_report(text="new one")
    Report.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=2)
    )
    html = client_as("investigator").get("/intake/reports/").content.decode()
    positions = [html.index(r.reference) for r in (urgent, older, newer)]
    assert positions == sorted(positions)


def test_other_concerns_wait_for_triage(make_report):
    report = make_report(concern="footage_online")
    assert (
        report.status == ReportStatus.NEW and not report.urgent and not hasattr(report, "referral")
    )


# --- the triage state machine, transition by transition ---------------------------------


def _in_state(make_report, status):
    report = make_report(text=f"A report that is {status}.")
    return put_in_state(report, status=status, close_reason="x" if status == "closed" else "")


@pytest.mark.parametrize(("source", "name", "target"), sorted(TRIAGE.pairs()))
def test_every_triage_transition(source, name, target, make_report, make_user, supervisor):
    report = _in_state(make_report, source)
    if name == "return_to_triage":
        from drachma.intake.services import create_referral

        referral = create_referral(report, user=supervisor)
        services.transition_referral(referral, "reject", user=supervisor, note="Not for the team.")
    elif name == "assign":
        services.assign_report(report, user=supervisor, assignee=make_user("safeguarding_officer"))
    elif name == "convert":
        services.convert_report(report, user=supervisor, **incident_fields())
    elif name == "link":
        services.link_report(
            report, user=supervisor, group=save_group(name=f"G {source}", status="active")
        )
    elif name == "refer":
        services.refer_report(report, user=supervisor)
    elif name in ("close", "reopen"):
        getattr(services, f"{name}_report")(report, user=supervisor, reason="Because.")
    report.refresh_from_db()
    assert report.status == target
    event = report.events.order_by("-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by) == (
        name,
        source,
        target,
        supervisor,
    )
    assert decisions(report)[-1] == name


@pytest.mark.parametrize("status", ["converted", "closed", "referred"])
def test_decisions_not_allowed_from_a_state_are_refused(status, make_report, supervisor):
    report = _in_state(make_report, status)
    with pytest.raises(ValidationError, match="triage: cannot close from"):
        services.close_report(report, user=supervisor, reason="x")
    report.refresh_from_db()
    assert report.status == status


def test_only_a_supervisor_reopens(make_report, safeguarding_officer, supervisor):
    report = _in_state(make_report, "closed")
    with pytest.raises(ValidationError, match="your role may not reopen"):
        services.reopen_report(report, user=safeguarding_officer, reason="Mistake.")
    services.reopen_report(report, user=supervisor, reason="New information.")
    report.refresh_from_db()
    assert report.status == "new" and report.close_reason == ""


def test_close_needs_a_reason(make_report, safeguarding_officer):
    report = make_report()
    with pytest.raises(ValidationError, match="reason"):
        services.close_report(report, user=safeguarding_officer, reason="  ")
    report.refresh_from_db()
    assert report.status == "new" and not report.events.exists() and not decisions(report)


def test_assign_to_someone_who_cannot_triage_is_refused(
    make_report, safeguarding_officer, make_user
):
    report = make_report()
    with pytest.raises(ValidationError, match="cannot triage reports"):
        services.assign_report(report, user=safeguarding_officer, assignee=make_user("analyst"))
    other = make_user("investigator")
    services.assign_report(report, user=safeguarding_officer, assignee=other)
    report.refresh_from_db()
    assert report.assigned_to == other
    assert Notification.objects.filter(
        recipient=other, subject=f"Report {report.reference} assigned to you"
    ).exists()


def test_link_to_an_incident_puts_the_files_on_it(make_report, safeguarding_officer, make_user):
    report = make_report(files=[upload("chat.txt", CHAT_EXPORT)])
    incident = create_incident(user=make_user("analyst"), **incident_fields())
    link = services.link_report(
        report, user=safeguarding_officer, incident=incident, note="Same confrontation."
    )
    assert link.incident == incident and link.linked_by == safeguarding_officer
    assert EvidenceItem.objects.get().incident == incident
    with pytest.raises(ValidationError, match="already linked"):
        services.link_report(report, user=safeguarding_officer, incident=incident)
    person = create_person(given_names="Sam", family_name="Pilling")
    services.link_report(report, user=safeguarding_officer, person=person)
    assert LinkedRecord.objects.filter(report=report).count() == 2
    assert decisions(report) == ["link", "link"]


def test_link_needs_exactly_one_record(make_report, safeguarding_officer, make_user):
    report = make_report()
    incident = create_incident(user=make_user("analyst"), **incident_fields())
    group = save_group(name="Two Targets", status="active")
    for targets in ({}, {"incident": incident, "group": group}):
        with pytest.raises(ValidationError):
            services.link_report(report, user=safeguarding_officer, **targets)
    assert not LinkedRecord.objects.exists()


# --- pages --------------------------------------------------------------------------------


def test_the_queue_is_for_the_triage_roles(client_as, make_report, make_user):
    make_report()
    assert client_as("safeguarding_officer").get("/intake/reports/").status_code == 200
    for role in ("analyst", "disclosure_officer", "auditor"):
        assert client_as(role).get("/intake/reports/").status_code == 403


def test_convert_page_is_prefilled_and_saving_makes_the_incident(client_as, make_report, make_user):
    group = save_group(name="Red Rose Shield", status="active")
    report = make_report(
        concern="confrontation_happened",
        reporter_type="group",
        place="Salford precinct",
        text="Red Rose Shield met a man at the precinct.",
        names="Red Rose Shield",
        files=[upload("chat.txt", CHAT_EXPORT)],
    )
    client = client_as("investigator")
    page = client.get(f"/intake/reports/{report.reference}/incident/").content.decode()
    assert f"From report {report.reference}" in page and "Red Rose Shield met a man" in page
    assert 'value="group" selected' in page and 'value="doorstep" selected' in page
    assert f'value="{group.pk}" selected' in page
    submitted = timezone.localtime(report.submitted_at)
    response = client.post(
        f"/intake/reports/{report.reference}/incident/",
        {
            "occurred_at": (submitted - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "received_at": submitted.strftime("%Y-%m-%dT%H:%M"),
            "source": "group",
            "kind": "doorstep",
            "summary": "Confrontation at the precinct.",
            "place": "Salford precinct",
            "groups": [group.pk],
            "status": "new",
            "mopi_group": "3",
        },
    )
    incident = Incident.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/incidents/{incident.reference}/"
    )
    report.refresh_from_db()
    assert report.status == "converted" and report.incident == incident
    assert list(incident.groups.all()) == [group]
    assert EvidenceItem.objects.get().incident == incident
    assert decisions(report) == ["convert"]
    # The incident's page lists the report it came from.
    assert report.reference in client.get(f"/incidents/{incident.reference}/").content.decode()


def test_convert_page_refuses_a_closed_report(client_as, make_report):
    report = make_report()
    put_in_state(report, status="closed", close_reason="x")
    response = client_as("investigator").get(
        f"/intake/reports/{report.reference}/incident/", follow=True
    )
    assert "cannot be turned into an incident" in response.content.decode()


def test_a_script_in_a_text_field_is_kept_as_given_and_shown_as_text(client_as, make_report):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    report = make_report(
        text=f"Look {script}", place=script, when_text=script, reporter_name=script
    )
    report.refresh_from_db()
    assert script in report.text  # evidence is kept as it came
    client = client_as("investigator")
    html = client.get(f"/intake/reports/{report.reference}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    data = client.get(f"/api/intake/reports/{report.reference}").json()
    assert data["text"] == f"Look {script}" and data["contact"]["name"] == script


def test_page_decisions_through_post_forms(client_as, make_report, make_user):
    report = make_report()
    user = make_user("safeguarding_officer")
    client = client_as(user=user)
    url = f"/intake/reports/{report.reference}"
    assert client.post(f"{url}/assign/", {}).status_code == 302
    report.refresh_from_db()
    assert report.assigned_to == user and report.status == "assigned"
    # Closing asks first (issue 11): the GET says what will happen and changes nothing; a
    # refused reason shows the same page with the error beside the field (it was a flash).
    confirm = client.get(f"{url}/close/")
    assert confirm.status_code == 200
    assert "The report leaves the triage queue" in confirm.content.decode()
    report.refresh_from_db()
    assert report.status == "assigned"
    response = client.post(f"{url}/close/", {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    done = client.post(f"{url}/close/", {"reason": "Not a police matter."}, follow=True)
    report.refresh_from_db()
    assert report.status == "closed" and report.close_reason == "Not a police matter."
    assert f"{report.reference} closed" in done.content.decode()


def test_contact_details_are_for_the_team_only(client_as, make_report):
    report = make_report(reporter_name="Alice Reporter", reporter_phone="0161 496 0999")
    url = f"/intake/reports/{report.reference}/"
    officer_page = client_as("safeguarding_officer").get(url).content.decode()
    assert "Alice Reporter" not in officer_page and "Your role does not show them" in officer_page
    investigator_page = client_as("investigator").get(url).content.decode()
    assert "Alice Reporter" in investigator_page and "+441614960999" in investigator_page
    views = AuditEntry.objects.filter(
        model="intake.report", action="view", object_id=str(report.pk)
    )
    assert [v.changes.get("fields") for v in views.order_by("seq")] == [None, ["reporter_contact"]]


def test_the_dashboard_panel_is_for_the_triage_roles(client_as, make_report):
    make_report(concern="confrontation_planned", text="Tonight.")
    assert "Reports from the public" in client_as("safeguarding_officer").get("/").content.decode()
    assert "Reports from the public" not in client_as("analyst").get("/").content.decode()
