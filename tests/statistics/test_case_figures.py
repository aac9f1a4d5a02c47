"""The cases app's figures for a period feed the statistics page, the board report and the
API, each count under the small-number rule and each median only over enough cases."""

import datetime

import pytest
from django.utils import timezone

from drachma.cases import figures, services
from drachma.cases.models import CollapseReason, Result
from drachma.statistics import reports
from drachma.statistics.selectors import Period
from tests.conftest import sign_in
from tests.factories import at, charged_defendant, days_ago, make_case, make_incident


@pytest.fixture
def six_cases(db, make_user):
    """Six cases charged 30 days after their incident; two results in the same period, one a
    guilty plea, one discontinued for a disclosure failure."""
    oic = make_user("investigator")
    disclosure = make_user("disclosure_officer")
    charges = []
    for n in range(6):
        # Noon UK time 60 days ago: the day does not move with the hour the test runs at.
        day = days_ago(60)
        incident = make_incident(oic, occurred_at=at(day.year, day.month, day.day, 12))
        case = make_case(oic, disclosure, urn=f"06AB{10000 + n:05d}26", incident=incident)
        _, charge = charged_defendant(case, oic, charged_days_ago=30)
        charges.append((case, charge))
    (case, charge), (case2, charge2) = charges[:2]
    services.record_result(
        case, user=oic, charge=charge, result=Result.GUILTY_PLEA, decided_on=days_ago(10)
    )
    services.record_result(
        case2,
        user=oic,
        charge=charge2,
        result=Result.DISCONTINUED,
        decided_on=days_ago(5),
        collapse_reason=CollapseReason.DISCLOSURE_FAILURE,
    )
    return charges


def _period() -> tuple[datetime.date, datetime.date]:
    return days_ago(90), timezone.localdate()


def test_period_figures_withhold_small_counts_and_thin_medians(six_cases):
    start, end = _period()
    published = figures.for_period(start, end)
    assert published["charged"]["Cases charged"].published == 6
    assert published["charged"]["Defendants charged"].published == 6
    # Six charges, each 30 days after the incident: enough for a median.
    assert published["to_charge"]["median_days"] == 30.0
    assert published["to_charge"]["count"].published == 6
    # Two results: every count withheld, and no median over two cases.
    results = dict(published["results"].rows())
    assert results["Guilty plea"].suppressed and results["Guilty plea"].published is None
    assert results["Discontinued"].suppressed
    assert published["results"].total.suppressed
    reasons = dict(published["collapse_reasons"].rows())
    assert reasons["Disclosure failure"].suppressed
    assert published["to_result"] == {
        "median_days": None,
        "withheld": True,
        "count": published["to_result"]["count"],
    }
    assert published["to_result"]["count"].suppressed
    assert published["publications"] is None  # none found in the period


def test_a_period_before_the_cases_has_none_of_them(six_cases):
    published = figures.for_period(days_ago(400), days_ago(300))
    assert published["charged"] is None
    assert published["results"] is None
    assert published["to_charge"] == {
        "median_days": None,
        "withheld": False,
        "count": published["to_charge"]["count"],
    }


def test_a_period_that_ends_before_it_starts_is_refused(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        figures.for_period(days_ago(1), days_ago(10))
    assert "ends before it starts" in str(err.value)


def test_statistics_page_shows_the_case_figures(six_cases, client_as):
    client = client_as("analyst")
    start, end = _period()
    page = client.get(f"/statistics/?start={start}&end={end}").content.decode()
    assert 'id="case-figures"' in page
    section = page[page.index('id="case-figures"') :]
    assert "Cases charged" in section and ">6<" in section
    assert "median 30 days" in section
    assert "Result: Guilty plea" in section and "fewer than 5" in section
    assert "Ended without a verdict: Disclosure failure" in section
    assert "withheld: fewer than 5 to take a median of" in section


def test_board_report_has_the_case_section(six_cases):
    start, end = _period()
    sections = reports.board_report_context(Period.of(start, end))["sections"]
    case_section = next(s for s in sections if 'id="case-figures"' in s)
    assert "Cases and court results" in case_section
    assert "median 30 days" in case_section
    assert "Result: Guilty plea" in case_section and "fewer than 5" in case_section
    assert 'Discontinued</th><td class="num">1<' not in case_section


def test_api_gives_a_periods_case_figures(six_cases, client, make_user):
    sign_in(client, make_user("analyst"))
    start, end = _period()
    body = client.get(f"/api/statistics/cases?start={start}&end={end}").json()
    assert body["charged"]["Cases charged"]["value"] == 6
    assert body["to_charge"]["median_days"] == 30.0
    assert body["to_result"] == {
        "median_days": None,
        "withheld": True,
        "count": body["to_result"]["count"],
    }
    assert body["to_result"]["count"]["suppressed"] is True
    guilty = next(r for r in body["results"]["rows"] if r["category"] == "Guilty plea")
    assert guilty["suppressed"] is True and guilty["value"] is None
    assert "fewer than 5" in body["footnote"] or "protect" in body["footnote"]
    earlier = client.get(f"/api/statistics/cases?start={days_ago(400)}&end={days_ago(300)}").json()
    assert earlier["charged"] is None and earlier["results"] is None


def test_api_refuses_a_bad_period(db, client, make_user):
    sign_in(client, make_user("analyst"))
    response = client.get("/api/statistics/cases?start=2026-02-01&end=2026-01-01")
    assert response.status_code in (400, 422)
    assert "ends before it starts" in response.content.decode()
    response = client.get("/api/statistics/cases?start=yesterday&end=2026-01-01")
    assert response.status_code in (400, 422)
    assert "start" in response.content.decode()


def test_api_refuses_those_without_statistics(db, client, make_user):
    sign_in(client, make_user("investigator"))
    assert client.get("/api/statistics/cases?start=2026-01-01&end=2026-01-31").status_code == 403
