"""Removal rate and median time to removal on a small fixture, worked out by hand."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from drachma.groups.models import Group
from drachma.statistics.selectors import Period
from drachma.takedown import panels, selectors, services
from tests.conftest import sign_in

UTC = datetime.UTC


def utc_2026(month, day, hour=12):
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def fixture(make_item, investigator):
    """Seven pieces of footage (London is on UTC in January and February):

    1 YouTube, group A: identified 10 Jan, removed by the group 12 Jan (2 days)
    2 YouTube, group B: identified 20 Jan, removed by the platform 26 Jan (6 days)
    3 TikTok, group A: identified 5 Feb, rejected by the platform (not removed)
    4 TikTok, no group: identified 10 Feb, removed by the group 11 Feb (1 day), closed
    5 YouTube, group A: a draft never confirmed (not counted)
    6 Facebook, group B: a draft discarded (not counted)
    7 YouTube, group A: identified 20 Feb, removed by the group 24 Feb (4 days)
    """
    a, b = Group.objects.create(name="Group A"), Group.objects.create(name="Group B")
    user = investigator

    def step(request, action, when, **kw):
        return services.transition_request(
            request, action, user=user, note=kw.pop("note", "n"), at=when, **kw
        )

    def item(platform, group, first_seen):
        return make_item(platform=platform, group=group, first_seen_at=first_seen)

    r1 = services.open_request(item("youtube", a, utc_2026(1, 9)), user=user, at=utc_2026(1, 10))
    step(step(r1, "ask_group", utc_2026(1, 10, 13)), "group_removed", utc_2026(1, 12))

    r2 = services.open_request(item("youtube", b, utc_2026(1, 19)), user=user, at=utc_2026(1, 20))
    r2 = step(
        step(step(r2, "ask_group", utc_2026(1, 20, 13)), "group_refused", utc_2026(1, 21)),
        "report_to_platform",
        utc_2026(1, 22),
    )
    step(r2, "platform_removed", utc_2026(1, 26))

    r3 = services.open_request(item("tiktok", a, utc_2026(2, 4)), user=user, at=utc_2026(2, 5))
    r3 = step(
        step(step(r3, "ask_group", utc_2026(2, 5, 13)), "group_refused", utc_2026(2, 6)),
        "report_to_platform",
        utc_2026(2, 7),
    )
    step(r3, "platform_rejected", utc_2026(2, 9))

    r4 = services.open_request(item("tiktok", None, utc_2026(2, 9)), user=user, at=utc_2026(2, 10))
    step(
        step(step(r4, "ask_group", utc_2026(2, 10, 13)), "group_removed", utc_2026(2, 11)),
        "close",
        utc_2026(2, 15),
    )

    services.open_request(
        item("youtube", a, utc_2026(2, 1)), user=user, draft=True, at=utc_2026(2, 2)
    )
    r6 = services.open_request(
        item("facebook", b, utc_2026(2, 1)), user=user, draft=True, at=utc_2026(2, 2)
    )
    step(r6, "discard", utc_2026(2, 3))

    r7 = services.open_request(item("youtube", a, utc_2026(2, 19)), user=user, at=utc_2026(2, 20))
    step(step(r7, "ask_group", utc_2026(2, 20, 13)), "group_removed", utc_2026(2, 24))


def _table(rows):
    return {
        r.label: (
            r.requests,
            r.removed,
            r.removal_rate,
            r.removed_by_group,
            r.removed_by_platform,
            r.median_days,
        )
        for r in rows
    }


@pytest.mark.django_db
def test_by_platform(fixture):
    rows, total = selectors.figures("platform")
    assert _table(rows) == {
        "YouTube": (3, 3, 100.0, 2, 1, 4.0),  # median of 2, 6, 4 days
        "TikTok": (2, 1, 50.0, 1, 0, 1.0),
    }
    assert [r.label for r in rows] == ["YouTube", "TikTok"]  # the platforms' order
    assert _table([total]) == {"All": (5, 4, 80.0, 3, 1, 3.0)}  # median of 1, 2, 4, 6


@pytest.mark.django_db
def test_by_group(fixture):
    rows, _ = selectors.figures("group")
    assert _table(rows) == {
        "Group A": (3, 2, 66.7, 2, 0, 3.0),  # median of 2 and 4 days
        "Group B": (1, 1, 100.0, 0, 1, 6.0),
        "No group recorded": (1, 1, 100.0, 1, 0, 1.0),
    }
    assert rows[-1].label == "No group recorded"


@pytest.mark.django_db
def test_by_month_and_period(fixture):
    rows, _ = selectors.figures("month")
    assert _table(rows) == {
        "January 2026": (2, 2, 100.0, 1, 1, 4.0),
        "February 2026": (3, 2, 66.7, 2, 0, 2.5),
    }
    rows, total = selectors.figures(
        "platform", start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28)
    )
    assert _table([total]) == {"All": (3, 2, 66.7, 2, 0, 2.5)}
    rows, total = selectors.figures("platform", end=datetime.date(2026, 1, 10))
    assert total.requests == 1


@pytest.mark.django_db
def test_unknown_breakdown_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        selectors.figures("officer")


@pytest.mark.django_db
def test_page_and_csv(fixture, client, make_user):
    sign_in(client, make_user("analyst"))
    page = client.get(reverse("takedown:figures"), {"by": "group"})
    assert page.status_code == 200
    assert "Group A" in page.text and "66.7%" in page.text
    response = client.get(reverse("takedown:figures_csv"), {"by": "platform"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["platform", "requests", "removed", "removal_rate_percent"]
    assert rows[1] == ["YouTube", "3", "3", "100.0", "2", "1", "4.0"]
    assert rows[-1] == ["All", "5", "4", "80.0", "3", "1", "3.0"]
    bad = client.get(reverse("takedown:figures_csv"), {"start": "2026-03-01", "end": "2026-02-01"})
    assert bad.status_code == 400 and "ends before it starts" in bad.text


@pytest.mark.django_db
def test_analyst_sees_figures_but_no_footage(client, make_user):
    sign_in(client, make_user("analyst"))
    assert client.get(reverse("takedown:figures")).status_code == 200
    assert client.get(reverse("takedown:list")).status_code == 403
    assert client.get("/api/takedown/items").status_code == 403


@pytest.mark.django_db
def test_api_figures(fixture, client, make_user):
    sign_in(client, make_user("analyst"))
    data = client.get(
        "/api/takedown/figures", {"by": "month", "start": "2026-01-01", "end": "2026-01-31"}
    ).json()
    assert data["total"]["requests"] == 2 and data["total"]["median_days_to_removal"] == 4.0
    assert [r["label"] for r in data["rows"]] == ["January 2026"]
    assert client.get("/api/takedown/figures", {"by": "person"}).status_code == 422


@pytest.mark.django_db
def test_board_report_section_protects_small_counts(fixture):
    html = panels.board_report_section(
        Period(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))
    )
    assert "Footage takedown" in html
    # YouTube (3) and TikTok (2) are below the threshold of 5: no count, rate or median shown.
    assert html.count("fewer than 5") >= 2
    assert "100.0%" not in html and "50.0%" not in html
    # The total (5) is shown, with its rate and median.
    assert ">5<" in html and "80.0%" in html and "3.0" in html


@pytest.mark.django_db
def test_board_report_section_with_nothing():
    html = panels.board_report_section(
        Period(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    )
    assert "No footage was identified" in html
