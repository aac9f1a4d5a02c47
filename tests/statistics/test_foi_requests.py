"""FOI requests: the 20-working-day deadline from the one calendar, the answer made from the
statistics with its small-number judgement, exemptions with reasons, reminders, the figure of
requests answered on time, and bad input refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.accounts.models import Account
from drachma.audit.models import AuditEntry
from drachma.core.models import Notification
from drachma.statistics import selectors, services
from drachma.statistics.models import FOIEvent, FOIExemption, FOIRequest

D = datetime.date
pytestmark = pytest.mark.django_db


def record(user, **changes):
    values = {
        "received_on": D(2026, 3, 2),
        "requester_reference": "REQ-1234",
        "question": "How many reports about paedophile hunter groups did you receive in 2017?",
        "period_start": D(2017, 1, 1),
        "period_end": D(2017, 12, 31),
        "breakdowns": ["area"],
        **changes,
    }
    return services.record_request(user=user, **values)


# --- the deadline ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 3, 2), D(2026, 3, 30)),  # four plain weeks
        (D(2026, 3, 27), D(2026, 4, 28)),  # Good Friday and Easter Monday fall inside
        (D(2026, 3, 28), D(2026, 4, 28)),  # received on a Saturday: counting starts Monday
        (D(2022, 5, 20), D(2022, 6, 21)),  # Spring holiday moved to 2 June, Jubilee on 3 June
        (D(2022, 9, 1), D(2022, 9, 30)),  # the State Funeral on 19 September
        (D(2023, 4, 28), D(2023, 5, 31)),  # 1 May, the Coronation on 8 May, and 29 May
    ],
)
def test_the_deadline_is_the_twentieth_working_day_after_receipt(analyst, received, due):
    request = record(analyst, received_on=received)
    assert request.due_on == due
    assert request.reference == f"FOI-{received.year}-000001"
    assert request.status == "open"
    assert [e.transition for e in request.events.all()] == ["record"]


# --- the answer -----------------------------------------------------------------------------


def test_the_answer_comes_from_the_statistics_with_its_judgement(small_fixture, analyst):
    request = record(analyst, breakdowns=["area", "kind"])
    services.answer_request(
        request,
        user=analyst,
        judgement_note="Counts under 5 withheld by the rule; no total subtracts to a small one.",
        exemptions={"s40": "A ward figure below five could identify the man filmed."},
    )
    request.refresh_from_db()
    assert request.status == "answered" and request.answered_by == analyst
    # 2017 in the fixture: 8 incidents, one outside Greater Manchester.
    assert request.answer["headline"][0].startswith(
        "From 1 January 2017 to 31 December 2017 the force received 8 reports"
    )
    assert ["Total", "8"] in request.answer["rows"]
    judgement = request.judgement
    assert judgement["threshold"] == 5
    assert judgement["note"].startswith("Counts under 5 withheld")
    # Every area of 2017 has fewer than five: each is withheld, and said so.
    withheld = {(w["table"], w["category"]) for w in judgement["withheld"]}
    assert ("Area (force district or borough)", "Rochdale") in withheld
    assert ["Rochdale", "fewer than 5"] in request.answer["rows"]
    exemption = request.exemptions.get()
    assert exemption.section == "s40" and exemption.reason.startswith("A ward figure")
    assert [e.transition for e in request.events.all()] == ["record", "answer"]
    assert AuditEntry.objects.filter(
        model="statistics.foirequest", action="decision", changes__decision="answer"
    ).exists()


def test_answered_on_time_or_late(small_fixture, analyst, monkeypatch):
    on_time = record(analyst, received_on=D(2026, 3, 2))
    late = record(analyst, received_on=D(2026, 3, 3), requester_reference="REQ-2")
    record(analyst, received_on=D(2026, 2, 27), requester_reference="REQ-3")  # due 27 March
    deadline = datetime.datetime(2026, 3, 30, 22, 0, tzinfo=datetime.UTC)  # 23:00 BST, due day
    monkeypatch.setattr(timezone, "now", lambda: deadline)
    services.answer_request(on_time, user=analyst, judgement_note="Rule applied.")
    monkeypatch.setattr(timezone, "now", lambda: deadline + datetime.timedelta(days=2))
    services.answer_request(late, user=analyst, judgement_note="Rule applied.")
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.answered_on_time is True  # on the due day itself
    assert late.answered_on_time is False  # due 31 March, answered 1 April
    figures = selectors.foi_timeliness(D(2026, 2, 1), D(2026, 3, 31))
    assert (figures.received, figures.answered, figures.on_time, figures.late) == (3, 2, 1, 1)
    assert (figures.open, figures.overdue, figures.percent_on_time) == (1, 1, 50.0)


# --- bad input: a clear error, nothing written -----------------------------------------------


def test_a_request_dated_in_the_future_is_refused(analyst):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record(analyst, received_on=tomorrow)
    assert "cannot have been received in the future" in refused.value.message_dict["received_on"][0]
    assert not FOIRequest.objects.exists() and not FOIEvent.objects.exists()
    # No reference was used up by the refusal.
    assert record(analyst).reference == "FOI-2026-000001"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"requester_reference": "  "}, "requester_reference", "Give the requester's reference"),
        ({"question": ""}, "question", "Give the request as written"),
        ({"breakdowns": []}, "breakdowns", "Choose at least one breakdown"),
        ({"breakdowns": ["group"]}, "breakdowns", "is not published in FOI answers"),
        ({"breakdowns": ["colour"]}, "breakdowns", "Unknown breakdown 'colour'"),
        ({"period_end": D(2016, 1, 1)}, "period_end", "The period ends before it starts"),
    ],
)
def test_other_bad_requests_are_refused(analyst, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        record(analyst, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert not FOIRequest.objects.exists()


def test_an_exemption_without_a_reason_is_refused(small_fixture, analyst):
    request = record(analyst)
    with pytest.raises(ValidationError) as refused:
        services.answer_request(
            request,
            user=analyst,
            judgement_note="Rule applied.",
            exemptions={"s31": "Would prejudice the prevention of crime.", "s30": "  "},
        )
    assert refused.value.message_dict["exemptions"] == [
        "Section 30: investigations and proceedings is applied without a reason: give it."
    ]
    request.refresh_from_db()
    assert request.status == "open" and request.answer == {}
    assert not FOIExemption.objects.exists()
    assert [e.transition for e in request.events.all()] == ["record"]


def test_an_unknown_exemption_is_refused(analyst):
    request = record(analyst)
    with pytest.raises(ValidationError, match="'s99' is not an exemption"):
        services.answer_request(
            request, user=analyst, judgement_note="x", exemptions={"s99": "Because."}
        )


def test_an_answer_without_the_judgement_is_refused(small_fixture, analyst):
    request = record(analyst)
    with pytest.raises(ValidationError) as refused:
        services.answer_request(request, user=analyst, judgement_note=" ")
    assert "Record the small-number judgement" in refused.value.message_dict["note"][0]
    request.refresh_from_db()
    assert request.status == "open" and not request.answer


def test_answering_twice_is_refused_and_keeps_the_first_answer(small_fixture, analyst, supervisor):
    request = record(analyst)
    services.answer_request(
        request, user=analyst, judgement_note="First.", exemptions={"s40": "Small ward."}
    )
    first = FOIRequest.objects.get(pk=request.pk)
    stale = FOIRequest.objects.get(pk=request.pk)
    stale.status = "open"  # a page opened before the first answer, acted on after it
    stale._loaded_state = "open"
    with pytest.raises(ValidationError) as refused:
        services.answer_request(
            stale, user=supervisor, judgement_note="Second.", exemptions={"s31": "Other."}
        )
    assert "already been answered" in refused.value.message_dict["status"][0]
    again = FOIRequest.objects.get(pk=request.pk)
    assert again.answered_by == analyst and again.judgement == first.judgement
    assert list(again.exemptions.values_list("section", flat=True)) == ["s40"]
    assert again.events.filter(transition="answer").count() == 1
    with pytest.raises(ValidationError, match="was already answered"):
        services.answer_request(again, user=supervisor, judgement_note="Third.")


def test_an_answer_without_permission_is_refused(small_fixture, analyst, investigator):
    request = record(analyst)
    with pytest.raises(ValidationError, match="your role may not answer"):
        services.answer_request(request, user=investigator, judgement_note="x")


# --- reminders ------------------------------------------------------------------------------


def test_reminders_before_the_deadline_and_when_it_passes(analyst, make_user, monkeypatch):
    boss = make_user("supervisor")
    Account.objects.update_or_create(user=analyst, defaults={"supervisor": boss})
    request = record(analyst, received_on=D(2026, 3, 2))  # due Monday 30 March 2026

    def at(day):
        return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)

    assert services.remind_deadlines(at(D(2026, 3, 20))) == 0  # six working days before
    assert services.remind_deadlines(at(D(2026, 3, 23))) == 1  # five working days before
    assert services.remind_deadlines(at(D(2026, 3, 24))) == 0  # once
    told = Notification.objects.filter(subject="FOI request FOI-2026-000001 is due 30/03/2026")
    assert {n.recipient for n in told} == {analyst, boss} and told.count() == 2
    assert "/statistics/foi/requests/FOI-2026-000001/" in told[0].link
    assert services.remind_deadlines(at(D(2026, 3, 30))) == 0  # due today: not overdue yet
    assert services.remind_deadlines(at(D(2026, 3, 31))) == 1
    assert services.remind_deadlines(at(D(2026, 4, 1))) == 0
    assert Notification.objects.filter(subject__contains="is overdue").count() == 2
    request.refresh_from_db()
    assert request.reminded_at and request.overdue_notified_at
    # The sweeps are in the audit log, named.
    assert (
        AuditEntry.objects.filter(
            model="statistics.foirequest", object_repr__startswith="FOI deadline"
        ).count()
        == 2
    )


def test_an_answered_request_is_not_reminded(small_fixture, analyst):
    request = record(analyst, received_on=D(2026, 3, 2))
    services.answer_request(request, user=analyst, judgement_note="Rule applied.")
    at = datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC)
    assert services.remind_deadlines(at) == 0
    assert not Notification.objects.filter(subject__startswith="FOI").exists()
