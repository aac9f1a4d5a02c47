import datetime

import pytest

from drachma.areas.models import Borough, Ward
from drachma.groups.services import save_group
from drachma.incidents.services import create_incident
from tests.factories import at


@pytest.fixture
def small_fixture(db, make_user):
    """A dozen incidents whose counts the tests work out by hand.

    2017: Rochdale 3 (Jan, Jan, Jul), Salford 2 (Mar, Dec 31 23:30 UK time = still 2017),
          Deansgate ward (Manchester, in the city-centre district) 2 (Feb, Feb),
          Outside GM 1 (Preston, Jun).
    2018: Rochdale 1 (Jan), Salford 1 (Jan 1 00:30 UK), Bolton 1 (May), Outside 1 (Jun).
    """
    user = make_user("analyst")
    red = save_group(name="Red Group", status="active")
    blue = save_group(name="Blue Group", status="active")
    rochdale = Borough.objects.get(name="Rochdale")
    salford = Borough.objects.get(name="Salford")
    bolton = Borough.objects.get(name="Bolton")
    deansgate = Ward.objects.get(name="Deansgate")

    def make(when, kind="doorstep", source="group", groups=(red,), **where):
        return create_incident(
            user=user,
            occurred_at=when,
            received_at=when + datetime.timedelta(hours=2),
            source=source,
            kind=kind,
            summary="fixture",
            groups=groups,
            **where,
        )

    made = [
        make(at(2017, 1, 5), borough=rochdale, source="public"),
        make(at(2017, 1, 20), borough=rochdale, kind="online_sting"),
        make(at(2017, 7, 1), borough=rochdale, groups=(red, blue)),
        make(at(2017, 3, 3), borough=salford, groups=(blue,)),
        make(at(2017, 12, 31, 23, 30), borough=salford),
        make(at(2017, 2, 1), ward=deansgate, kind="online_sting"),
        make(at(2017, 2, 14), ward=deansgate, source="officer", groups=()),
        make(at(2017, 6, 6), place="Preston"),
        make(at(2018, 1, 9), borough=rochdale),
        make(at(2018, 1, 1, 0, 30), borough=salford),
        make(at(2018, 5, 5), borough=bolton, kind="publication"),
        make(at(2018, 6, 6), place="Leeds", source="platform"),
    ]
    return made
