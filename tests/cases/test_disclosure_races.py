"""Certifications racing on PostgreSQL (what production runs): a schedule is certified under
the case's lock and its own, so two certifications at once keep exactly one, and a change of
material racing a certification never leaves a certified schedule that no longer says what the
material says. (SQLite lets one writer in at a time by itself, so there is nothing to race.)"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from drachma.cases import disclosure, schedules
from drachma.cases.models import Schedule, ScheduleEvent
from tests.cases.helpers import make_case
from tests.safeguarding.test_races import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]
ROUNDS = 5


def test_two_certifications_at_once_keep_exactly_one(make_user):
    officer, oic = make_user("disclosure_officer"), make_user("investigator")
    for n in range(ROUNDS):
        case = make_case(oic, officer, urn=f"06AB{12340 + n:05d}26")
        disclosure.add_material(case, user=officer, description="Notebook", status="scheduled")
        pk = Schedule.objects.get(case=case, kind="MG6C").pk

        def certify(role, pk=pk):
            return disclosure.certify(Schedule.objects.get(pk=pk), user=officer, role=role)

        outcomes = race(lambda: certify("First tab"), lambda: certify("Second tab"))
        kept = [o for o in outcomes if isinstance(o, Schedule)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(kept) == 1 and len(refused) == 1, outcomes
        assert "already certified" in " ".join(refused[0].messages)
        schedule = Schedule.objects.get(pk=pk)
        assert schedule.certified_role == kept[0].certified_role
        assert ScheduleEvent.objects.filter(schedule=schedule, transition="certify").count() == 1


def test_a_change_of_material_racing_a_certification_is_never_lost(make_user):
    officer, oic = make_user("disclosure_officer"), make_user("investigator")
    for n in range(ROUNDS):
        case = make_case(oic, officer, urn=f"06AC{12340 + n:05d}26")
        disclosure.add_material(case, user=officer, description="Notebook", status="scheduled")
        pk = Schedule.objects.get(case=case, kind="MG6C").pk

        def certify(pk=pk):
            return disclosure.certify(Schedule.objects.get(pk=pk), user=officer)

        def add(case_pk=case.pk):
            from drachma.cases.models import Case

            return disclosure.add_material(
                Case.objects.get(pk=case_pk),
                user=officer,
                description="A late statement",
                status="scheduled",
            )

        outcomes = race(certify, add)
        assert not any(isinstance(o, BaseException) for o in outcomes), outcomes
        for schedule in Schedule.objects.filter(case=case, state="certified"):
            assert not schedules.has_changed(schedule)
        newest = Schedule.objects.filter(case=case, kind="MG6C").order_by("-version").first()
        cells = [r["cells"][1] for r in schedules.rows_of(newest)]
        assert cells == ["Notebook", "A late statement"]
