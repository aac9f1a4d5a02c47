"""Disclosure per case: material, the MG6C, MG6D and MG6E with certification and revision
(each transition of ``workflow.SCHEDULE``), MG6E candidates from quality reports, third-party
requests, the Disclosure Management Document, and each refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.cases import disclosure, schedules
from drachma.cases.models import (
    CandidateKind,
    CandidateState,
    Material,
    MaterialStatus,
    Mg6eCandidate,
    Schedule,
    ScheduleEvent,
    ScheduleKind,
    ScheduleState,
    ThirdPartyRequest,
)
from drachma.cases.workflow import SCHEDULE
from drachma.evidence import services as evidence
from drachma.evidence.workflow import person_name
from drachma.groups.services import save_group
from tests.cases.helpers import make_case, make_defendant
from tests.evidence.factories import build_incident_evidence
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(disclosure_officer):
    return disclosure_officer


@pytest.fixture
def case(investigator, officer):
    return make_case(investigator, officer)


def _schedule(case, kind, defendant=None):
    return (
        Schedule.objects.filter(case=case, kind=kind, defendant=defendant)
        .order_by("-version")
        .first()
    )


def _scheduled(case, user, **fields):
    return disclosure.add_material(
        case, user=user, status=MaterialStatus.SCHEDULED, **{"description": "Notes", **fields}
    )


# --- drafts --------------------------------------------------------------------------------


def test_a_new_case_has_a_draft_of_each_schedule_for_all_its_defendants(case):
    made = Schedule.objects.filter(case=case)
    assert sorted(s.kind for s in made) == ["MG6C", "MG6D", "MG6E"]
    assert {(s.version, s.state, s.defendant_id) for s in made} == {(1, "draft", None)}
    assert all(s.events.get().transition == "drafted" for s in made)


def test_material_is_numbered_across_the_case_and_read_into_the_drafts(case, officer):
    a = _scheduled(case, officer, description="Officer's pocket notebook", location="Bolton")
    b = _scheduled(
        case, officer, description="Source log", sensitive=True, sensitivity_reason="A source"
    )
    used = _scheduled(case, officer, description="Witness statement", used=True)
    assert (a.number, b.number, used.number) == (1, 2, 3)
    mg6c = schedules.rows_of(_schedule(case, "MG6C"))
    assert [r["cells"] for r in mg6c] == [["1", "Officer's pocket notebook", "Bolton", ""]]
    mg6d = schedules.rows_of(_schedule(case, "MG6D"))
    assert [r["cells"][:3] for r in mg6d] == [["2", "Source log", "A source"]]


def test_an_exhibit_not_of_the_case_is_refused(case, officer, investigator):
    other, _ = build_incident_evidence(investigator)
    item = other.evidence.first()
    with pytest.raises(ValidationError) as exc:
        disclosure.add_material(case, user=officer, description="A chat", item=item)
    assert "not one of the case's exhibits" in exc.value.message_dict["item"][0]
    assert not Material.objects.exists()


def test_material_without_a_reason_where_one_is_needed_is_refused(case, officer):
    with pytest.raises(ValidationError) as exc:
        disclosure.add_material(case, user=officer, description="Log", sensitive=True)
    assert "sensitivity_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        disclosure.add_material(
            case, user=officer, description="Log", might_undermine_or_assist=True
        )
    assert "mg6e_reason" in exc.value.message_dict
    assert not Material.objects.exists()


# --- certify -------------------------------------------------------------------------------


def test_certifying_with_rows_still_undecided_is_refused_and_nothing_changes(case, officer):
    disclosure.add_material(case, user=officer, description="Custody record")
    schedule = _schedule(case, "MG6C")
    with pytest.raises(ValidationError) as exc:
        disclosure.certify(schedule, user=officer)
    message = exc.value.message_dict["rows"][0]
    assert "1 row(s) of the MG6C are still undecided" in message
    assert "item 1 (Custody record)" in message
    schedule.refresh_from_db()
    assert (schedule.state, schedule.rows, schedule.certified_at) == ("draft", [], None)
    assert schedule.events.count() == 1


def test_only_the_cases_disclosure_officer_certifies(case, investigator, supervisor):
    schedule = _schedule(case, "MG6D")
    for user in (investigator, supervisor):
        with pytest.raises(ValidationError) as exc:
            disclosure.certify(schedule, user=user)
        assert "Only the case's disclosure officer" in exc.value.message_dict["certified_by"][0]
    assert Schedule.objects.get(pk=schedule.pk).state == "draft"


def test_draft_to_certified_freezes_the_rows_and_records_who_and_when(case, officer):
    _scheduled(case, officer, description="Officer's pocket notebook", location="Bolton")
    schedule = disclosure.certify(_schedule(case, "MG6C"), user=officer, role="DC, OCAIT")
    assert schedule.state == ScheduleState.CERTIFIED
    assert schedule.certified_by == officer
    assert schedule.certified_name == person_name(officer)
    assert schedule.certified_role == "DC, OCAIT"
    assert schedule.certified_at is not None
    assert [r["cells"][1] for r in schedule.rows] == ["Officer's pocket notebook"]
    event = schedule.events.get(transition="certify")
    assert (event.from_state, event.to_state, event.by) == ("draft", "certified", officer)


def test_a_nil_return_is_certified(case, officer):
    schedule = disclosure.certify(_schedule(case, "MG6D"), user=officer)
    assert schedule.state == "certified" and schedule.rows == []


def test_certifying_twice_is_refused(case, officer):
    schedule = disclosure.certify(_schedule(case, "MG6D"), user=officer)
    with pytest.raises(ValidationError) as exc:
        disclosure.certify(schedule, user=officer)
    assert "already certified" in exc.value.message_dict["state"][0]


# --- revise --------------------------------------------------------------------------------


def test_material_changed_after_certification_revises_the_schedule(case, officer):
    notebook = _scheduled(case, officer, description="Pocket notebook", location="Bolton")
    log = _scheduled(case, officer, description="Call log", location="Bolton")
    v1 = disclosure.certify(_schedule(case, "MG6C"), user=officer)

    disclosure.update_material(notebook, user=officer, location="Property store, Bolton")
    v1.refresh_from_db()
    assert v1.state == ScheduleState.REVISED
    assert [r["cells"][2] for r in v1.rows] == ["Bolton", "Bolton"]  # kept as certified
    v2 = v1.next_version
    assert (v2.version, v2.state, v2.previous_id) == (2, "draft", v1.pk)
    assert v2.events.get().transition == "redrafted"
    revise = v1.events.get(transition="revise")
    assert "Item 1 changed." in revise.note

    disclosure.update_material(log, user=officer, status=MaterialStatus.WITHDRAWN)
    added = _scheduled(case, officer, description="CCTV request")
    rows = schedules.rows_of(Schedule.objects.get(pk=v2.pk))
    assert [(r["key"], r["change"]) for r in rows] == [
        ("M1", "changed"),
        (f"M{added.number}", "new"),
        ("M2", "removed"),
    ]
    # A draft is not revised: only the certified v1 was, once.
    assert Schedule.objects.filter(case=case, kind="MG6C").count() == 2

    v2 = disclosure.certify(v2, user=officer)
    assert [r["change"] for r in v2.rows] == ["changed", "new", "removed"]


def test_a_change_that_alters_nothing_on_a_schedule_leaves_it_certified(case, officer):
    _scheduled(case, officer, description="Pocket notebook")
    mg6d = disclosure.certify(_schedule(case, "MG6D"), user=officer)
    disclosure.add_material(case, user=officer, description="Another notebook")
    mg6d.refresh_from_db()
    assert mg6d.state == "certified"


def test_every_transition_of_the_schedule_machine(case, officer):
    assert SCHEDULE.pairs() == {
        ("draft", "certify", "certified"),
        ("certified", "revise", "revised"),
    }
    draft = _schedule(case, "MG6C")
    with pytest.raises(ValidationError) as exc:
        SCHEDULE.apply(draft, "revise", user=officer, note="x")
    assert "Only a certified schedule" in exc.value.message_dict["state"][0]
    certified = disclosure.certify(draft, user=officer)
    with pytest.raises(ValidationError):
        SCHEDULE.apply(certified, "revise", user=officer, note="")  # a note is required
    revised = SCHEDULE.apply(certified, "revise", user=officer, note="A statement came in")
    assert revised.state == "revised"
    for name in ("certify", "revise"):
        with pytest.raises(ValidationError):
            SCHEDULE.apply(revised, name, user=officer, note="x")
    assert list(
        ScheduleEvent.objects.filter(schedule=revised).values_list("transition", flat=True)
    ) == ["drafted", "certify", "revise"]


# --- per defendant ---------------------------------------------------------------------------


def test_material_about_one_defendant_gives_each_defendant_their_schedules(
    case, officer, investigator
):
    a = make_defendant(case, investigator, family_name="Ashworth")
    b = make_defendant(case, investigator, family_name="Brennan")
    _scheduled(case, officer, description="Shared notebook")
    _scheduled(case, officer, description="Ashworth's custody record", defendant=a)
    assert {s.defendant_id for s in Schedule.objects.filter(case=case)} == {None, a.pk, b.pk}
    for_a = [r["cells"][1] for r in schedules.rows_of(_schedule(case, "MG6C", a))]
    for_b = [r["cells"][1] for r in schedules.rows_of(_schedule(case, "MG6C", b))]
    assert for_a == ["Shared notebook", "Ashworth's custody record"]
    assert for_b == ["Shared notebook"]
    assert schedules.header(_schedule(case, "MG6C", a))["title"] == "R v Ashworth"
    assert schedules.header(_schedule(case, "MG6C"))["title"] == "R v Ashworth and Brennan"
    with pytest.raises(ValidationError) as exc:
        disclosure.certify(_schedule(case, "MG6C"), user=officer)
    assert "differs between defendants" in exc.value.message_dict["defendant"][0]


def test_a_defendant_of_another_case_is_refused(case, officer, investigator):
    other = make_case(investigator, officer, urn="06AB1234626")
    stranger = make_defendant(other, investigator, family_name="Other")
    with pytest.raises(ValidationError) as exc:
        disclosure.add_material(case, user=officer, description="x", defendant=stranger)
    assert "not in this case" in exc.value.message_dict["defendant"][0]


# --- MG6E candidates ---------------------------------------------------------------------------


@pytest.fixture
def chat_case(investigator, officer):
    incident, evidence_ = build_incident_evidence(investigator)
    case = make_case(investigator, officer, urn="06AB1234726", incident=incident)
    return case, evidence_["chat"]


def test_a_quality_reports_findings_are_offered_once(chat_case, officer):
    case, chat = chat_case
    made = disclosure.offer_candidates(case, user=officer)
    kinds = {c.kind for c in made}
    assert {CandidateKind.DELETED, CandidateKind.FIRST_SENDER, CandidateKind.MEDIA} <= kinds
    first = next(c for c in made if c.kind == CandidateKind.FIRST_SENDER)
    assert "sent by Jess" in first.finding
    assert all(c.item == chat and c.state == "pending" for c in made)
    assert disclosure.offer_candidates(case, user=officer) == []


def test_a_candidate_decision_without_a_reason_is_refused(chat_case, officer):
    case, _ = chat_case
    candidate = disclosure.offer_candidates(case, user=officer)[0]
    for accept in (True, False):
        with pytest.raises(ValidationError) as exc:
            disclosure.decide_candidate(candidate, user=officer, accept=accept, reason="  ")
        assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        disclosure.decide_candidate(candidate, user=officer, accept=None, reason="x")
    assert "accept" in exc.value.message_dict
    assert Mg6eCandidate.objects.get(pk=candidate.pk).state == CandidateState.PENDING


def test_pending_candidates_hold_the_mg6e_and_accepted_ones_go_on_it(chat_case, officer):
    case, chat = chat_case
    candidates = disclosure.offer_candidates(case, user=officer)
    for m in case.material.all():
        disclosure.update_material(m, user=officer, status=MaterialStatus.SCHEDULED)
    mg6e = _schedule(case, "MG6E")
    with pytest.raises(ValidationError) as exc:
        disclosure.certify(mg6e, user=officer)
    assert "MG6E candidate" in exc.value.message_dict["rows"][0]
    deleted = next(c for c in candidates if c.kind == CandidateKind.DELETED)
    for c in candidates:
        disclosure.decide_candidate(
            c,
            user=officer,
            accept=c == deleted,
            reason="The suspect deleted a message: the defence may say it was exculpatory"
            if c == deleted
            else "Nothing in it bears on the issues",
        )
    certified = disclosure.certify(_schedule(case, "MG6E"), user=officer)
    (row,) = certified.rows
    assert row["cells"][1] == f"Quality report of exhibit {chat.exhibit_ref}"
    assert row["cells"][2].startswith("Deleted messages: 1 message(s) deleted")
    assert "exculpatory" in row["cells"][3]
    # Changing the decision after certification revises the MG6E.
    disclosure.decide_candidate(deleted, user=officer, accept=False, reason="Re-read: irrelevant")
    certified.refresh_from_db()
    assert certified.state == "revised"
    assert schedules.rows_of(certified.next_version)[0]["change"] == "removed"


# --- incident schedules move onto the case -------------------------------------------------


def test_a_new_case_takes_its_incidents_schedule_with_its_decisions(investigator, officer):
    incident, found = build_incident_evidence(investigator)
    evidence.update_disclosure_entry(found["mg6c"], user=officer, status="scheduled")
    case = make_case(investigator, officer, incident=incident)
    moved = list(case.material.order_by("number"))
    assert [(m.number, m.migrated_from_id) for m in moved] == [
        (1, found["mg6c"].pk),
        (2, found["mg6d"].pk),
    ]
    assert moved[0].status == "scheduled" and moved[0].item == found["chat"]
    assert moved[1].sensitive and moved[1].status == "undecided"
    # A second case over the same incident takes the material undecided.
    second = make_case(investigator, officer, urn="06AB1234826", incident=incident)
    assert set(second.material.values_list("status", flat=True)) == {"undecided"}


# --- third-party material ----------------------------------------------------------------------


def _request(case, user, **fields):
    data = {
        "holder_kind": "group",
        "what": "chat_logs",
        "reasons": "The group's export starts mid-conversation: who made first contact?",
        "asked_on": timezone.localdate() - datetime.timedelta(days=5),
        **fields,
    }
    return disclosure.add_request(case, user=user, **data)


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"group": None}, "group", "Choose the group"),
        ({"holder_kind": "platform", "legal_route": "opo"}, "holder_name", "Name the platform"),
        ({"holder_kind": "agency"}, "holder_name", "Name the agency"),
        ({"holder_kind": ""}, "holder_kind", "Say who holds the material"),
        (
            {"holder_kind": "platform", "holder_name": "Meta"},
            "legal_route",
            "through a legal route",
        ),
        ({"reasons": " "}, "reasons", "why the material was asked for"),
        ({"asked_on": None}, "asked_on", "Give the date"),
        (
            {"asked_on": timezone.localdate() + datetime.timedelta(days=2)},
            "asked_on",
            "in the future",
        ),
        ({"what": "other"}, "details", "Say what was asked for"),
    ],
)
def test_a_request_with_no_recipient_or_reason_is_refused(case, officer, fields, field, words):
    with pytest.raises(ValidationError) as exc:
        _request(case, officer, **fields)
    assert words in " ".join(exc.value.message_dict[field])
    assert not ThirdPartyRequest.objects.exists()


def test_requests_are_recorded_and_answered_with_what_came_in(investigator, officer):
    incident, found = build_incident_evidence(investigator)
    case = make_case(investigator, officer, incident=incident)
    group = save_group(name="Guardians North", status="active")
    request = _request(case, officer, group=group)
    platform = _request(
        case,
        officer,
        holder_kind="platform",
        holder_name="Meta Platforms Ireland",
        legal_route="opo",
        what="account_data",
    )
    assert (request.reference, platform.reference) == ("TP1", "TP2")
    answered = disclosure.answer_request(
        request,
        user=officer,
        answered_on=timezone.localdate(),
        answer_kind="partly",
        answer="Sent the export; says the phone was wiped",
        received=[found["chat"]],
    )
    assert list(answered.received.all()) == [found["chat"]]
    with pytest.raises(ValidationError) as exc:
        disclosure.answer_request(
            platform, user=officer, answered_on=timezone.localdate(), answer_kind="refused"
        )
    assert "refusal_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        disclosure.answer_request(
            platform,
            user=officer,
            answered_on=timezone.localdate() - datetime.timedelta(days=30),
            answer_kind="not_held",
        )
    assert "before the request" in exc.value.message_dict["answered_on"][0]
    other, other_found = build_incident_evidence(investigator, incident=make_incident(investigator))
    with pytest.raises(ValidationError) as exc:
        disclosure.answer_request(
            platform,
            user=officer,
            answered_on=timezone.localdate(),
            answer_kind="provided",
            received=[other_found["chat"]],
        )
    assert "not one of the case's exhibits" in exc.value.message_dict["received"][0]
    platform.refresh_from_db()
    assert (platform.answer_kind, platform.answered_on) == ("", None)
    # Material that came in is scheduled against its request.
    material = disclosure.add_material(
        case, user=officer, description="The group's export", third_party_request=request
    )
    assert material.location == "Held by Guardians North (third-party request TP1)"


# --- the DMD -----------------------------------------------------------------------------------


def test_the_dmd_keeps_its_headings_and_refuses_others(case, officer):
    dmd = disclosure.save_dmd(
        case,
        user=officer,
        lines_of_enquiry="Obtain the group's complete chat logs",
        digital_strategy="Suspect's phone: full extraction; search terms agreed with the CPS",
    )
    assert disclosure.dmd_of(case).pk == dmd.pk
    assert dmd.updated_by == officer
    with pytest.raises(ValidationError) as exc:
        disclosure.save_dmd(case, user=officer, opinion="x")
    assert "opinion" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        disclosure.save_dmd(case, user=officer, timetable="x" * 10001)
    assert "timetable" in exc.value.message_dict
    assert disclosure.dmd_of(case).timetable == ""


def test_all_kinds_are_listed(case):
    assert set(ScheduleKind.values) == {s.kind for s in schedules.latest(case)}
