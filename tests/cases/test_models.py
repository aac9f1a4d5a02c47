"""Cases, defendants, charges, hearings and results: each rule and each refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from drachma.audit.models import AuditAction, AuditEntry
from drachma.cases import outcomes, selectors, services
from drachma.cases import urn as urns
from drachma.cases.models import (
    Case,
    Charge,
    ChargeResult,
    Defendant,
    Hearing,
    IncidentOutcome,
    Stage,
)
from drachma.people.services import create_person
from tests.factories import (
    ago,
    charged_defendant,
    days_ago,
    make_case,
    make_defendant,
    make_incident,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosure(disclosure_officer):
    return disclosure_officer


@pytest.fixture
def case(investigator, disclosure):
    return make_case(investigator, disclosure)


# --- the URN ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("06AB1234526", "06AB1234526"),
        ("06 ab 12345 26", "06AB1234526"),
        ("06/AB/12345/26", "06AB1234526"),
        ("4201Z9999901", None),  # twelve characters
        ("06AB123452", None),  # ten
        ("6AB1234526X", None),  # force code not two digits
        ("06A-1234526", None),
        ("06AB12A4526", None),  # number not digits
        ("06AB12345AB", None),  # year not digits
        ("00AB1234526", None),  # no force 00
        ("06AB0000026", None),  # no case number 00000
        ("", None),
    ],
)
def test_the_urn_has_the_cps_shape(text, expected):
    if expected:
        assert str(urns.parse(text)) == expected
    else:
        with pytest.raises(ValidationError):
            urns.parse(text)


def test_a_malformed_urn_is_refused_naming_the_field_and_nothing_is_written(
    investigator, disclosure
):
    incident = make_incident(investigator)
    with pytest.raises(ValidationError) as exc:
        make_case(investigator, disclosure, urn="06AB12345", incident=incident)
    assert "urn" in exc.value.message_dict
    assert "eleven characters" in exc.value.message_dict["urn"][0]
    assert not Case.objects.exists()


def test_a_urn_is_kept_in_its_plain_form_and_once(investigator, disclosure, case):
    assert case.urn == "06AB1234526"
    with pytest.raises(ValidationError) as exc:
        make_case(investigator, disclosure, urn="06 AB 12345 26")
    assert "already recorded" in exc.value.message_dict["urn"][0]
    assert Case.objects.count() == 1


# --- the case ------------------------------------------------------------------------------


def test_the_officer_in_the_case_and_disclosure_officer_must_hold_the_roles(
    investigator, disclosure, analyst
):
    with pytest.raises(ValidationError) as exc:
        make_case(analyst, disclosure)
    assert "officer_in_case" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_case(investigator, analyst)
    assert "disclosure_officer" in exc.value.message_dict
    assert not Case.objects.exists()


def test_the_prosecutor_is_named_with_a_contact(investigator, disclosure):
    with pytest.raises(ValidationError) as exc:
        make_case(investigator, disclosure, prosecutor_name=" ", prosecutor_contact="")
    assert {"prosecutor_name", "prosecutor_contact"} <= set(exc.value.message_dict)
    assert not Case.objects.exists()


def test_an_exhibit_of_another_incident_is_refused(investigator, disclosure):
    import io

    from drachma.evidence.services import upload_evidence

    other = make_incident(investigator)
    item = upload_evidence(
        io.BytesIO(b"x"),
        original_filename="a.txt",
        received_from_type="officer",
        received_from="PC",
        user=investigator,
        incident=other,
    )
    with pytest.raises(ValidationError) as exc:
        make_case(investigator, disclosure, exhibits=[item])
    assert "exhibits" in exc.value.message_dict
    assert not Case.objects.exists()


# --- defendants, charges --------------------------------------------------------------------


def test_a_defendant_is_a_person_of_the_case_incidents_once(investigator, case):
    stranger = create_person(given_names="Not", family_name="Involved")
    with pytest.raises(ValidationError) as exc:
        services.add_defendant(case, user=investigator, person=stranger)
    assert "person" in exc.value.message_dict
    defendant = make_defendant(case, investigator)
    with pytest.raises(ValidationError) as exc:
        services.add_defendant(case, user=investigator, person=defendant.person)
    assert "already a defendant" in exc.value.message_dict["person"][0]
    assert Defendant.objects.count() == 1


def test_bail_with_conditions_needs_the_conditions_and_remand_its_time(investigator, case):
    with pytest.raises(ValidationError) as exc:
        make_defendant(case, investigator, arrested_at=ago(2), custody_status="court_bail")
    assert "bail_conditions" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_defendant(case, investigator, family_name="B", custody_status="remanded")
    assert "custody_since" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_defendant(case, investigator, family_name="C", custody_status="rui")
    assert "custody_status" in exc.value.message_dict
    assert not Defendant.objects.exists()
    defendant = make_defendant(
        case,
        investigator,
        arrested_at=ago(2),
        custody_status="court_bail",
        custody_since=ago(1),
        bail_conditions="Not to contact the group; curfew 9pm-6am",
    )
    assert defendant.get_custody_status_display() == "On court bail"


def test_a_charge_before_the_arrest_or_with_a_bad_offence_code_is_refused(investigator, case):
    defendant = make_defendant(case, investigator, arrested_at=ago(5))
    with pytest.raises(ValidationError) as exc:
        services.add_charge(
            defendant,
            user=investigator,
            wording="W",
            legislation="L",
            charged_on=days_ago(10),
        )
    assert "charged_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_charge(
            defendant,
            user=investigator,
            wording="W",
            legislation="L",
            charged_on=days_ago(1),
            ho_offence_code="grooming",
        )
    assert "ho_offence_code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_charge(
            defendant, user=investigator, wording=" ", legislation="", charged_on=days_ago(1)
        )
    assert {"wording", "legislation"} <= set(exc.value.message_dict)
    assert not Charge.objects.exists()


# --- hearings ------------------------------------------------------------------------------


def test_a_hearing_before_the_charge_is_refused(investigator, case):
    defendant, charge = charged_defendant(case, investigator, charged_days_ago=10)
    with pytest.raises(ValidationError) as exc:
        services.add_hearing(
            case,
            user=investigator,
            defendant=defendant,
            court="Manchester Magistrates' Court",
            at=ago(days=12),
            kind="first_appearance",
        )
    assert "before the charge" in exc.value.message_dict["at"][0]
    assert not Hearing.objects.exists()


def test_a_hearing_needs_a_charged_defendant_of_this_case(investigator, disclosure, case):
    uncharged = make_defendant(case, investigator)
    with pytest.raises(ValidationError) as exc:
        services.add_hearing(
            case,
            user=investigator,
            defendant=uncharged,
            court="C",
            at=ago(1),
            kind="first_appearance",
        )
    assert "defendant" in exc.value.message_dict
    other = make_case(investigator, disclosure, urn="06AB5432126")
    stranger, _ = charged_defendant(other, investigator)
    for defendant in (stranger, 999999, "x", None):
        with pytest.raises(ValidationError) as exc:
            services.add_hearing(
                case,
                user=investigator,
                defendant=defendant,
                court="C",
                at=ago(1),
                kind="first_appearance",
            )
        assert "defendant" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_hearing(
            other, user=investigator, defendant=stranger, court="C", at=ago(1), kind="appeal"
        )
    assert "kind" in exc.value.message_dict
    assert not Hearing.objects.exists()


def test_a_naive_hearing_time_is_london_time(investigator, case):
    defendant, _ = charged_defendant(case, investigator)
    naive = datetime.datetime.combine(days_ago(-14), datetime.time(10, 0))
    hearing = services.add_hearing(
        case,
        user=investigator,
        defendant=defendant,
        court="Minshull Street Crown Court",
        at=naive,
        kind="ptph",
    )
    from django.utils import timezone

    assert timezone.localtime(hearing.at).hour == 10
    assert hearing.is_ahead


# --- results ------------------------------------------------------------------------------


def test_a_result_for_a_charge_that_does_not_exist_or_is_not_in_the_case_is_refused(
    investigator, disclosure, case
):
    other = make_case(investigator, disclosure, urn="06AB5432126")
    _, foreign = charged_defendant(other, investigator)
    for charge, words in (
        (999999, "There is no charge"),
        ("abc", "There is no charge"),
        (foreign.pk, "is not a charge in 06AB1234526"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.record_result(
                case,
                user=investigator,
                charge=charge,
                result="convicted",
                decided_on=days_ago(1),
            )
        assert words in exc.value.message_dict["charge"][0]
    assert not ChargeResult.objects.exists()


def test_an_ending_without_a_verdict_needs_its_reason(investigator, case):
    _, charge = charged_defendant(case, investigator)
    with pytest.raises(ValidationError) as exc:
        services.record_result(
            case, user=investigator, charge=charge, result="stayed", decided_on=days_ago(1)
        )
    assert "collapse_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.record_result(
            case,
            user=investigator,
            charge=charge,
            result="stayed",
            decided_on=days_ago(1),
            collapse_reason="other",
        )
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.record_result(
            case,
            user=investigator,
            charge=charge,
            result="convicted",
            decided_on=days_ago(1),
            collapse_reason="disclosure_failure",
        )
    assert "collapse_reason" in exc.value.message_dict
    assert not ChargeResult.objects.exists()


def test_a_result_before_the_charge_or_twice_or_unknown_is_refused(investigator, case):
    _, charge = charged_defendant(case, investigator, charged_days_ago=10)
    for kwargs, field in (
        ({"result": "convicted", "decided_on": days_ago(11)}, "decided_on"),
        ({"result": "convicted", "decided_on": days_ago(-3)}, "decided_on"),
        ({"result": "hung", "decided_on": days_ago(1)}, "result"),
        ({"result": "convicted", "decided_on": None}, "decided_on"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.record_result(case, user=investigator, charge=charge, **kwargs)
        assert field in exc.value.message_dict
    services.record_result(
        case, user=investigator, charge=charge, result="acquitted", decided_on=days_ago(1)
    )
    with pytest.raises(ValidationError) as exc:
        services.record_result(
            case, user=investigator, charge=charge, result="convicted", decided_on=days_ago(1)
        )
    assert "already has a result" in exc.value.message_dict["charge"][0]
    assert ChargeResult.objects.count() == 1


def test_the_stage_follows_the_charges_and_results(investigator, case):
    def stage():
        return selectors.case_detail(case.urn).stage

    assert stage() == Stage.AWAITING_CHARGE
    defendant, first = charged_defendant(case, investigator)
    assert stage() == Stage.CHARGED
    second = services.add_charge(
        defendant, user=investigator, wording="Second", legislation="L", charged_on=days_ago(2)
    )
    services.record_result(
        case,
        user=investigator,
        charge=first,
        result="discontinued",
        decided_on=days_ago(1),
        collapse_reason="unreliable_group_evidence",
    )
    assert stage() == Stage.CHARGED
    services.record_result(
        case,
        user=investigator,
        charge=second,
        result="withdrawn",
        decided_on=days_ago(1),
        collapse_reason="prejudicial_publication",
    )
    assert stage() == Stage.COLLAPSED
    assert selectors.case_detail(case.urn).collapse_reasons == [
        "Prejudicial publication",
        "Unreliable group evidence",
    ]


@pytest.mark.parametrize(
    "results, expected",
    [
        (["guilty_plea"], Stage.CONVICTED),
        (["acquitted", "convicted"], Stage.CONVICTED),
        (["acquitted", "dismissed"], Stage.ACQUITTED),
        (["acquitted"], Stage.ACQUITTED),
    ],
)
def test_a_verdict_decides_the_stage(investigator, case, results, expected):
    defendant, charge = charged_defendant(case, investigator)
    charges = [charge] + [
        services.add_charge(
            defendant,
            user=investigator,
            wording=f"C{i}",
            legislation="L",
            charged_on=days_ago(2),
        )
        for i in range(len(results) - 1)
    ]
    for c, result in zip(charges, results, strict=True):
        services.record_result(
            case,
            user=investigator,
            charge=c,
            result=result,
            decided_on=days_ago(1),
            collapse_reason="evidence_excluded" if result == "dismissed" else "",
        )
    assert selectors.case_detail(case.urn).stage == expected


def test_results_and_sentences_are_audited_decisions(investigator, case):
    defendant, charge = charged_defendant(case, investigator)
    with pytest.raises(ValidationError) as exc:
        services.record_sentence(
            defendant, user=investigator, sentenced_on=days_ago(1), sentence="Community order"
        )
    assert "no guilty plea or conviction" in exc.value.message_dict["sentenced_on"][0]
    services.record_result(
        case, user=investigator, charge=charge, result="guilty_plea", decided_on=days_ago(5)
    )
    with pytest.raises(ValidationError) as exc:
        services.record_sentence(
            defendant, user=investigator, sentenced_on=days_ago(6), sentence="Community order"
        )
    assert "before the conviction" in exc.value.message_dict["sentenced_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_sentence(
            defendant, user=investigator, sentenced_on=days_ago(1), sentence=" "
        )
    assert "sentence" in exc.value.message_dict
    services.record_sentence(
        defendant, user=investigator, sentenced_on=days_ago(1), sentence="Community order"
    )
    decisions = AuditEntry.objects.filter(action=AuditAction.DECISION, model="cases.case")
    assert [e.changes["decision"] for e in decisions.order_by("seq")] == ["result", "sentence"]


# --- incidents that ended without a charge --------------------------------------------------


def test_the_outcomes_are_the_home_office_framework_with_its_source():
    codes = [t.code for t in outcomes.all_types()]
    assert codes == [str(n) for n in range(1, 23)]
    assert "Crime outcomes in England and Wales" in outcomes.source()
    assert "1" not in [code for code, _ in outcomes.choices()]
    assert outcomes.by_code("18").label == "Investigation complete: no suspect identified"


def test_an_incident_without_a_charge_carries_a_home_office_outcome(investigator, case):
    incident = make_incident(investigator, occurred_at=ago(days=20))
    for outcome, field in (("1", "outcome"), ("23", "outcome"), ("", "outcome")):
        with pytest.raises(ValidationError) as exc:
            services.record_incident_outcome(
                incident, user=investigator, outcome=outcome, decided_on=days_ago(1)
            )
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.record_incident_outcome(
            incident, user=investigator, outcome="15", decided_on=days_ago(30)
        )
    assert "decided_on" in exc.value.message_dict
    assert not IncidentOutcome.objects.exists()
    row = services.record_incident_outcome(
        incident, user=investigator, outcome="15", decided_on=days_ago(1)
    )
    assert row.outcome_label.startswith("Outcome 15: Evidential difficulties")
    with pytest.raises(ValidationError) as exc:
        services.record_incident_outcome(
            incident, user=investigator, outcome="16", decided_on=days_ago(1)
        )
    assert "already has an outcome" in exc.value.message_dict["incident"][0]
    charged_defendant(case, investigator)
    with pytest.raises(ValidationError) as exc:
        services.record_incident_outcome(
            case.incidents.first(), user=investigator, outcome="16", decided_on=days_ago(1)
        )
    assert "was charged in case" in exc.value.message_dict["incident"][0]


# --- reads ----------------------------------------------------------------------------------


def test_reading_a_case_records_the_view(investigator, case):
    before = AuditEntry.objects.filter(action=AuditAction.VIEW).count()
    selectors.case_for(investigator, case.urn.lower())
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == before + 1
    listing = selectors.cases_for(investigator)
    listing.shown(listing.queryset)
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == before + 2
