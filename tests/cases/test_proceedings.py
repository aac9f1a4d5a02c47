"""Active proceedings under the Contempt of Court Act 1981, Schedule 1: rule by rule."""

import datetime

import pytest

from drachma.cases import proceedings, services
from drachma.cases.proceedings import ChargeFacts, Facts, end_of, start_of
from tests.factories import LONDON, charged_defendant, days_ago, make_case, make_defendant

T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=LONDON)
D0 = T0.date()


def t(days: float) -> datetime.datetime:
    return T0 + datetime.timedelta(days=days)


def d(days: int) -> datetime.date:
    return D0 + datetime.timedelta(days=days)


CASES = [
    # (rule, facts, asked at, active?, since, reason contains)
    ("nothing yet", Facts(), t(10), False, None, "No arrest"),
    ("4(a) arrest starts", Facts(arrested_at=t(0)), t(1), True, t(0), "arrest"),
    ("before the arrest: not yet", Facts(arrested_at=t(5)), t(1), False, None, "No arrest"),
    ("4(b) warrant starts", Facts(warrant_issued_at=t(0)), t(1), True, t(0), "warrant"),
    ("4(c) summons starts", Facts(summons_issued_at=t(0)), t(1), True, t(0), "summons"),
    (
        "4(d)/(e) charge starts, from the start of its day",
        Facts(charges=[ChargeFacts(d(0))]),
        t(1),
        True,
        start_of(d(0)),
        "charge",
    ),
    (
        "the earliest initial step counts",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(3))], summons_issued_at=t(2)),
        t(5),
        True,
        t(0),
        "arrest",
    ),
    (
        "7(c) released without bail, not charged: ended",
        Facts(arrested_at=t(0), released_without_bail_at=t(1)),
        t(2),
        False,
        t(0),
        "paragraph 7",
    ),
    (
        "7(c) then charged later: active again from the charge",
        Facts(arrested_at=t(0), released_without_bail_at=t(1), charges=[ChargeFacts(d(30))]),
        t(31),
        True,
        start_of(d(30)),
        "charge",
    ),
    (
        "11: a warrant with no arrest lapses after twelve months",
        Facts(warrant_issued_at=t(0)),
        t(366),
        False,
        t(0),
        "paragraph 11",
    ),
    (
        "11: still active just before the twelve months",
        Facts(warrant_issued_at=t(0)),
        t(364),
        True,
        t(0),
        "warrant",
    ),
    (
        "11: an arrest under the warrant keeps them active",
        Facts(warrant_issued_at=t(0), arrested_at=t(400)),
        t(401),
        True,
        t(0),
        "warrant",
    ),
    (
        "5(a) acquittal ends them at the end of that day",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "acquitted", d(90))]),
        end_of(d(90)),
        False,
        t(0),
        "acquittal",
    ),
    (
        "5(a) still active on the day of the acquittal",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "acquitted", d(90))]),
        start_of(d(90)) + datetime.timedelta(hours=15),
        True,
        t(0),
        "arrest",
    ),
    (
        "5(a), 6: a conviction does not end them; sentence does",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "convicted", d(90))]),
        t(200),
        True,
        t(0),
        "arrest",
    ),
    (
        "5(a), 6: sentence ends them",
        Facts(
            arrested_at=t(0),
            charges=[ChargeFacts(d(1), "guilty_plea", d(60))],
            sentenced_on=d(100),
        ),
        t(101),
        False,
        t(0),
        "sentence",
    ),
    (
        "7: discontinuance ends them",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "discontinued", d(20))]),
        t(21),
        False,
        t(0),
        "discontinued",
    ),
    (
        "7(a): withdrawal ends them",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "withdrawn", d(20))]),
        t(21),
        False,
        t(0),
        "withdrawn",
    ),
    (
        "5(b): dismissal ends them",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "dismissed", d(20))]),
        t(21),
        False,
        t(0),
        "5(b)",
    ),
    (
        "5(b): a stay ends them",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "stayed", d(20))]),
        t(21),
        False,
        t(0),
        "5(b)",
    ),
    (
        "every charge must be concluded",
        Facts(
            arrested_at=t(0),
            charges=[ChargeFacts(d(1), "acquitted", d(20)), ChargeFacts(d(1))],
        ),
        t(21),
        True,
        t(0),
        "arrest",
    ),
    (
        "concluded by the last charge to end",
        Facts(
            arrested_at=t(0),
            charges=[ChargeFacts(d(1), "acquitted", d(20)), ChargeFacts(d(1), "withdrawn", d(30))],
        ),
        t(31),
        False,
        t(0),
        "withdrawn",
    ),
    (
        "asked before the result: still active then",
        Facts(arrested_at=t(0), charges=[ChargeFacts(d(1), "acquitted", d(90))]),
        t(50),
        True,
        t(0),
        "arrest",
    ),
]


@pytest.mark.parametrize("rule, facts, at, active, since, reason", CASES, ids=[c[0] for c in CASES])
def test_schedule_1(rule, facts, at, active, since, reason):
    result = proceedings.status(facts, at)
    assert result.active is active, result.reason
    assert result.since == since
    assert reason in result.reason


@pytest.mark.django_db
def test_read_from_a_case(investigator, make_user):
    case = make_case(investigator, make_user("disclosure_officer"))
    waiting = make_defendant(case, investigator, family_name="Waiting")
    defendant, charge = charged_defendant(case, investigator, charged_days_ago=30)
    statuses = proceedings.for_case(case)
    assert not statuses[waiting.pk]
    assert statuses[defendant.pk].active
    assert statuses[defendant.pk].since == defendant.arrested_at
    services.record_result(
        case, user=investigator, charge=charge, result="convicted", decided_on=days_ago(3)
    )
    assert proceedings.for_defendant(defendant).active  # not until sentence
    services.record_sentence(
        defendant, user=investigator, sentenced_on=days_ago(1), sentence="Suspended sentence"
    )
    defendant.refresh_from_db()
    ended = proceedings.for_defendant(defendant)
    assert not ended.active and "sentence" in ended.reason
    # At a time before the sentence, they were active.
    assert proceedings.for_defendant(defendant, at=start_of(days_ago(2))).active


@pytest.mark.django_db
def test_released_under_investigation_is_read_from_the_custody_status(investigator, make_user):
    from tests.factories import ago

    case = make_case(investigator, make_user("disclosure_officer"))
    defendant = make_defendant(
        case, investigator, arrested_at=ago(10), custody_status="rui", custody_since=ago(9)
    )
    result = proceedings.for_defendant(defendant)
    assert not result.active and "paragraph 7" in result.reason
    assert proceedings.for_defendant(defendant, at=ago(9.5)).active
