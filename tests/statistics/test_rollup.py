"""The monthly counts stay in step with incidents through every kind of change, and figures
read from them (whole months) plus the incidents table (part-months) equal a direct count."""

import datetime
import random

import pytest
from django.db.models import Count

from drachma.areas.models import Borough, Ward
from drachma.groups.services import save_group
from drachma.incidents.models import Incident
from drachma.incidents.services import update_incident
from drachma.statistics.models import MonthlyCount
from drachma.statistics.rollup import rebuild
from drachma.statistics.selectors import Period, counts_by, incidents_in, summary

from .conftest import at


def snapshot():
    return sorted(
        MonthlyCount.objects.values_list(
            "month", "borough_id", "ward_id", "dimension", "value", "n"
        )
    )


def assert_in_step():
    incremental = snapshot()
    rebuild()
    assert incremental == snapshot()


def test_created_incidents_are_counted(small_fixture):
    assert MonthlyCount.objects.filter(dimension="total").aggregate(n=Count("pk"))["n"] > 0
    assert_in_step()


def test_updates_move_counts_between_months_and_areas(small_fixture, make_user):
    incident = small_fixture[0]
    update_incident(
        incident,
        user=None,
        occurred_at=at(2017, 9, 9),
        received_at=at(2017, 9, 10),
        borough=Borough.objects.get(name="Wigan"),
        source="platform",
    )
    assert_in_step()
    update_incident(incident, user=None, ward=Ward.objects.get(name="Deansgate"))
    assert_in_step()


def test_group_changes_from_either_side_and_deletion(small_fixture):
    incident = small_fixture[2]
    green = save_group(name="Green Group", status="active")
    incident.groups.add(green)
    assert_in_step()
    incident.groups.remove(green)
    assert_in_step()
    green.incidents.add(*small_fixture[:4])
    assert_in_step()
    green.incidents.clear()
    assert_in_step()
    incident.groups.clear()
    assert_in_step()
    Incident.objects.get(pk=small_fixture[1].pk).delete()
    assert_in_step()


@pytest.mark.parametrize("seed", range(6))
def test_figures_equal_a_direct_count_for_any_period(small_fixture, seed):
    rng = random.Random(seed)
    start = datetime.date(2016, 12, 1) + datetime.timedelta(days=rng.randrange(400))
    end = start + datetime.timedelta(days=rng.randrange(500))
    period = Period.of(start, end)
    direct = incidents_in(period)
    assert summary(period)["total"] == direct.count()
    for by, field in [("source", "source"), ("kind", "kind")]:
        expected = {k: n for k, n in direct.values_list(field).annotate(n=Count("pk")).order_by()}
        got = {r.key: r.count for r in counts_by(period, by) if r.count}
        assert got == expected
    assert sum(r.count for r in counts_by(period, "month")) == direct.count()
