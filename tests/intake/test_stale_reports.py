"""Nothing kept without a reason: reports closed without an incident are removed after the
configured period with their files and identifiers, unless a reason to keep them is recorded;
the reporter's address hash goes when the rate limit no longer needs it."""

import datetime
import io

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.core.scheduling import PERIODIC
from drachma.evidence.models import CustodyState, EvidenceItem, StoredFile
from drachma.evidence.services import attach_to_incident
from drachma.evidence.store import get_store
from drachma.intake import conf, selectors, services, tasks
from drachma.intake.models import Report, ReportEvent, ReportFile, ReportIdentifier, ReportLink
from tests.factories import make_incident
from tests.intake.conftest import CHAT_EXPORT, PNG, incident_fields, upload

pytestmark = pytest.mark.django_db

DAYS = 90


def closed(make_report, user, **fields) -> Report:
    report = make_report(**fields)
    return services.close_report(report, user=user, reason="Nothing to act on.")


def after(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_a_report_closed_without_an_incident_goes_with_its_files_and_identifiers(
    make_report, safeguarding_officer, django_capture_on_commit_callbacks
):
    report = closed(
        make_report,
        safeguarding_officer,
        links=["https://www.tiktok.com/@somebody/video/123"],
        handles=["@somebody"],
        names=["Jo Bloggs"],
        reporter_name="A Reporter",
        submitter_hash="ab" * 32,
        files=[upload("chat.txt", CHAT_EXPORT, "text/plain"), upload("shot.png", PNG, "image/png")],
    )
    items = [f.item for f in report.files.all()]
    shas = [item.sha256 for item in items]
    assert all(get_store().exists(sha) for sha in shas)
    assert ReportIdentifier.objects.filter(report=report).exists()

    # The bytes go once the removal has committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_stale_reports(after(DAYS + 1)) == 1

    assert not Report.objects.filter(pk=report.pk).exists()
    assert not ReportIdentifier.objects.filter(report_id=report.pk).exists()
    assert not ReportLink.objects.filter(report_id=report.pk).exists()
    assert not ReportFile.objects.filter(report_id=report.pk).exists()
    assert not ReportEvent.objects.filter(report_id=report.pk).exists()
    for item in items:
        item = EvidenceItem.objects.get(pk=item.pk)
        # Through the custody chain's own step, by the removal, with the reason.
        assert item.custody_state == CustodyState.DISPOSED
        last = item.custody_events.order_by("-pk").first()
        assert last.transition == "disposed"
        assert last.by_description == services.REMOVAL_BY
        assert report.reference in last.note
    assert not any(get_store().exists(sha) for sha in shas)
    # The store records the removal, so verify_evidence expects the bytes gone.
    assert all(StoredFile.objects.get(sha256=sha).removed_at for sha in shas)
    out = io.StringIO()
    call_command("verify_evidence", stdout=out)
    assert f"{len(set(shas))} removed by disposal, as recorded" in out.getvalue()

    decision = AuditEntry.objects.get(
        model="intake.report",
        object_id=str(report.pk),
        action="decision",
        changes__decision="remove stale report",
    )
    assert decision.actor_username == services.REMOVAL_BY
    assert sorted(decision.changes["exhibits_disposed"]) == sorted(i.exhibit_ref for i in items)
    assert decision.changes["identifiers"] >= 2
    assert AuditEntry.objects.filter(
        model="intake.report", object_id=str(report.pk), action="delete"
    ).exists()


def test_the_period_is_counted_from_the_closing_and_configurable(
    make_report, safeguarding_officer, settings
):
    report = closed(make_report, safeguarding_officer)
    assert services.remove_stale_reports(after(DAYS - 1)) == 0
    settings.DRACHMA_INTAKE_STALE_REPORT_DAYS = 10
    assert services.remove_stale_reports(after(9)) == 0
    assert services.remove_stale_reports(after(11)) == 1
    assert not Report.objects.filter(pk=report.pk).exists()


@pytest.mark.parametrize("value", [0, -3, "soon", None])
def test_a_bad_period_is_refused_naming_the_setting(settings, value):
    settings.DRACHMA_INTAKE_STALE_REPORT_DAYS = value
    with pytest.raises(ImproperlyConfigured, match="DRACHMA_INTAKE_STALE_REPORT_DAYS"):
        conf.stale_report_days()


def test_a_reason_to_keep_it_keeps_it(make_report, safeguarding_officer):
    report = closed(make_report, safeguarding_officer, files=[upload("shot.png", PNG, "image/png")])
    kept = services.record_keep_reason(
        report, user=safeguarding_officer, reason="  Named in a current enquiry (op. Heron).  "
    )
    assert kept.keep_reason == "Named in a current enquiry (op. Heron)."
    assert kept.keep_reason_by == safeguarding_officer and kept.keep_reason_at is not None
    assert AuditEntry.objects.filter(
        model="intake.report", object_id=str(report.pk), changes__decision="keep"
    ).exists()

    assert services.remove_stale_reports(after(DAYS * 10)) == 0
    assert Report.objects.filter(pk=report.pk).exists()
    item = report.files.get().item
    assert item.custody_state != CustodyState.DISPOSED and get_store().exists(item.sha256)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_keep_reason_must_be_given_and_short(make_report, safeguarding_officer, reason):
    report = closed(make_report, safeguarding_officer)
    with pytest.raises(ValidationError) as error:
        services.record_keep_reason(report, user=safeguarding_officer, reason=reason)
    assert "reason" in error.value.message_dict
    report.refresh_from_db()
    assert report.keep_reason == "" and report.keep_reason_by is None


def test_a_report_turned_into_an_incident_needs_no_reason(make_report, safeguarding_officer):
    report = make_report()
    services.convert_report(report, user=safeguarding_officer, **incident_fields())
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="turned into an incident"):
        services.record_keep_reason(report, user=safeguarding_officer, reason="Keep it.")


def test_reports_that_led_somewhere_or_are_open_stay(make_report, safeguarding_officer, make_user):
    open_report = make_report()
    referred = make_report(concern="possible_offender")  # referred on arrival
    rejected = make_report(concern="possible_offender")
    investigator = make_user("investigator")
    services.transition_referral(rejected.referral, "reject", user=investigator, note="Not ours.")
    rejected.refresh_from_db()
    services.close_report(rejected, user=safeguarding_officer, reason="Rejected by the team.")
    converted = make_report()
    services.convert_report(converted, user=safeguarding_officer, **incident_fields())

    assert services.remove_stale_reports(after(DAYS * 10)) == 0
    for report in (open_report, referred, rejected, converted):
        assert Report.objects.filter(pk=report.pk).exists()


def test_an_exhibit_something_else_holds_is_left_in_custody(
    make_report, safeguarding_officer, django_capture_on_commit_callbacks
):
    report = closed(make_report, safeguarding_officer, files=[upload("shot.png", PNG, "image/png")])
    item = report.files.get().item
    incident = make_incident(safeguarding_officer)
    attach_to_incident(item, incident=incident)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_stale_reports(after(DAYS + 1)) == 1

    item.refresh_from_db()
    assert item.custody_state == CustodyState.RECEIVED and item.incident == incident
    assert get_store().exists(item.sha256)
    decision = AuditEntry.objects.get(changes__decision="remove stale report")
    assert decision.changes["exhibits_kept_elsewhere"] == [item.exhibit_ref]


def test_bytes_another_exhibit_shares_stay_in_the_store(
    make_report, safeguarding_officer, django_capture_on_commit_callbacks
):
    stale = closed(make_report, safeguarding_officer, files=[upload("shot.png", PNG, "image/png")])
    other = make_report(files=[upload("same.png", PNG, "image/png")])
    mine, theirs = stale.files.get().item, other.files.get().item
    assert mine.stored_file_id == theirs.stored_file_id

    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_stale_reports(after(DAYS + 1)) == 1

    mine.refresh_from_db()
    assert mine.custody_state == CustodyState.DISPOSED
    assert get_store().exists(theirs.sha256)


def test_running_twice_removes_once(make_report, safeguarding_officer):
    report = closed(make_report, safeguarding_officer, files=[upload("shot.png", PNG, "image/png")])
    item = report.files.get().item
    assert services.remove_stale_reports(after(DAYS + 1)) == 1
    events = item.custody_events.count()
    assert services.remove_stale_reports(after(DAYS + 1)) == 0
    assert item.custody_events.count() == events
    assert AuditEntry.objects.filter(changes__decision="remove stale report").count() == 1


def test_a_report_given_a_reason_while_the_removal_runs_is_kept(make_report, safeguarding_officer):
    """The removal checks each report again under its lock: one kept meanwhile is left."""
    report = closed(make_report, safeguarding_officer)
    stale_ids = list(selectors.stale_reports(after(DAYS + 1), DAYS).values_list("pk", flat=True))
    assert stale_ids == [report.pk]
    services.record_keep_reason(report, user=safeguarding_officer, reason="Asked to keep by CPS.")
    assert services._remove_stale_report(report.pk, now=after(DAYS + 1), days=DAYS) is False
    assert Report.objects.filter(pk=report.pk).exists()


def test_the_removal_and_the_hash_dropping_run_on_the_scheduler(make_report, safeguarding_officer):
    registered = {p.task for p in PERIODIC}
    assert tasks.remove_stale_reports in registered
    assert tasks.drop_address_hashes in registered
    closed(make_report, safeguarding_officer)
    assert tasks.remove_stale_reports.call() == 0  # not yet stale


# --- the reporter's address hash ------------------------------------------------------------


def test_the_address_hash_goes_once_the_rate_limit_no_longer_counts_the_report(
    make_report, settings
):
    settings.DRACHMA_INTAKE_RATE_LIMIT = "2/h"
    address = services.hash_address("203.0.113.7")
    now = timezone.now()
    old = make_report(submitter_hash=address, submitted_at=now - datetime.timedelta(minutes=61))
    recent = make_report(submitter_hash=address, submitted_at=now - datetime.timedelta(minutes=5))

    assert services.drop_address_hashes(now) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.submitter_hash == "" and recent.submitter_hash == address
    # The limit still counts what it needs: one more is accepted, then the next refused.
    make_report(submitter_hash=address, submitted_at=now)
    with pytest.raises(services.RateLimited):
        services.check_rate(address, now)
    entry = AuditEntry.objects.filter(model="intake.report", action="decision").latest("seq")
    assert entry.changes["decision"] == "address hashes no longer needed by the rate limit"
    assert entry.changes["reports"] == [str(old.pk)]
    assert services.drop_address_hashes(now) == 0
    # The log itself never held the hash: the report's creation shows it redacted.
    created = AuditEntry.objects.get(model="intake.report", object_id=str(old.pk), action="create")
    assert created.changes["submitter_hash"] == [None, "[redacted]"]
    assert not AuditEntry.objects.filter(changes__icontains=address).exists()


# --- the page ---------------------------------------------------------------------------


def test_the_report_page_says_when_it_goes_and_the_reason_is_recorded_there(
    client_as, make_report, safeguarding_officer
):
    report = closed(make_report, safeguarding_officer)
    client = client_as("safeguarding_officer")
    page = client.get(f"/intake/reports/{report.reference}/").content.decode()
    assert "will be removed on" in page and "Record a reason to keep it" in page

    form = client.get(f"/intake/reports/{report.reference}/keep/")
    assert form.status_code == 200 and "Why is this report kept?" in form.content.decode()
    refused = client.post(f"/intake/reports/{report.reference}/keep/", {"reason": "  "})
    assert refused.status_code == 400
    report.refresh_from_db()
    assert report.keep_reason == ""

    done = client.post(
        f"/intake/reports/{report.reference}/keep/", {"reason": "Subject of a current enquiry."}
    )
    assert done.status_code == 302
    page = client.get(f"/intake/reports/{report.reference}/").content.decode()
    assert "Subject of a current enquiry." in page and "Kept: a reason is recorded" in page


def test_the_api_records_a_reason_and_refuses_an_empty_one(
    client_as, make_report, safeguarding_officer
):
    report = closed(make_report, safeguarding_officer)
    client = client_as("investigator")
    url = f"/api/intake/reports/{report.reference}/keep"
    refused = client.post(url, {"reason": " "}, content_type="application/json")
    assert refused.status_code == 422 and "reason" in refused.content.decode()
    done = client.post(url, {"reason": "Named in op. Heron."}, content_type="application/json")
    assert done.status_code == 200 and done.json()["keep_reason"] == "Named in op. Heron."
    assert client_as("analyst").post(
        url, {"reason": "x"}, content_type="application/json"
    ).status_code in (403, 404)


def test_a_disposed_exhibits_file_is_gone_not_an_error(
    client_as, make_report, safeguarding_officer, django_capture_on_commit_callbacks
):
    report = closed(make_report, safeguarding_officer, files=[upload("shot.png", PNG, "image/png")])
    item = report.files.get().item
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_stale_reports(after(DAYS + 1))
    response = client_as("investigator").get(f"/evidence/items/{item.exhibit_ref}/file/")
    assert response.status_code == 404
