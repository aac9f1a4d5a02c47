"""The monthly counts stay in step with incidents through every kind of change, and figures
read from them (whole months) plus the incidents table (part-months) equal a direct count."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count

from drachma.areas.models import Borough, Ward
from drachma.groups.services import save_group
from drachma.incidents.models import Incident
from drachma.incidents.services import (
    change_status,
    delete_incident,
    unlink_group,
    update_incident,
)
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
    # Incidents' services keep the counts (the rollup is no longer driven by save signals).
    incident = small_fixture[2]
    green = save_group(name="Green Group", status="active")
    update_incident(incident, user=None, groups=[*incident.groups.all(), green])
    assert_in_step()
    update_incident(incident, user=None, groups=[g for g in incident.groups.all() if g != green])
    assert_in_step()
    for other in small_fixture[:4]:
        update_incident(other, user=None, groups=[*other.groups.all(), green])
    assert_in_step()
    assert unlink_group(green) == 4
    assert_in_step()
    update_incident(incident, user=None, groups=[])
    assert_in_step()
    delete_incident(Incident.objects.get(pk=small_fixture[1].pk))
    assert_in_step()


def test_every_change_of_status_moves_the_status_counts(small_fixture, make_user):
    supervisor = make_user("supervisor")
    incident = small_fixture[0]
    for step in ("assess", "investigate", "close", "reopen", "close"):
        change_status(incident, step, user=supervisor, note="Why.")
        assert_in_step()
        assert (
            MonthlyCount.objects.get(
                month=datetime.date(2017, 1, 1),
                borough_id=incident.borough_id,
                ward_id=0,
                dimension="status",
                value=incident.status,
            ).n
            == Incident.objects.filter(
                borough_id=incident.borough_id,
                status=incident.status,
                occurred_at__year=2017,
                occurred_at__month=1,
            ).count()
        )


def test_a_refused_change_leaves_the_counts_alone(small_fixture, make_user):
    before = snapshot()
    with pytest.raises(ValidationError):
        change_status(small_fixture[0], "reopen", user=make_user("supervisor"), note="Why.")
    with pytest.raises(ValidationError):
        update_incident(small_fixture[0], user=None, kind="picnic", ward=None)
    assert snapshot() == before
    assert_in_step()


def test_bulk_writes_that_the_counts_would_not_see_are_refused(small_fixture):
    before = snapshot()
    ids = [i.pk for i in small_fixture]
    for bulk in (
        lambda: Incident.objects.filter(pk__in=ids).update(kind="other"),
        lambda: Incident.objects.filter(pk__in=ids).update(borough_id=None),
        lambda: Incident.objects.bulk_update(
            [Incident(pk=pk, source="officer") for pk in ids], ["source"]
        ),
        lambda: Incident.objects.filter(pk__in=ids).delete(),
    ):
        with pytest.raises(PermissionDenied, match="statistics"):
            bulk()
    assert snapshot() == before
    assert_in_step()
    # A bulk write of what is not counted is still allowed (and audited).
    assert Incident.objects.filter(pk__in=ids).update(police_attended=True) == len(ids)
    assert_in_step()


def test_intake_converting_a_report_counts_the_new_incident(small_fixture, make_user):
    # Intake makes its incidents through incidents' services, so they are counted as any other.
    from drachma.intake.services import convert_report, submit_report

    report = submit_report(
        reporter_type="public", concern="confrontation_happened", text="At the precinct."
    )
    total = Incident.objects.count()
    incident = convert_report(
        report,
        user=make_user("investigator"),
        occurred_at=at(2018, 3, 3),
        received_at=at(2018, 3, 4),
        source="public",
        kind="doorstep",
        summary="Confrontation at the precinct.",
        place="Salford precinct",
    )
    assert Incident.objects.count() == total + 1 and incident.status == "new"
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
