"""Two runs of the removal of stale reports at once, on PostgreSQL (what production runs):
each report is locked and checked again before it goes, so every report is removed once,
each exhibit disposed of once, and one audit decision is written per report. (SQLite lets
one writer in at a time by itself, so there is nothing to race.)"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.evidence.models import CustodyState, EvidenceItem
from drachma.intake import services
from drachma.intake.models import Report
from tests.intake.conftest import PNG, upload
from tests.intake.test_races import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]


def test_two_removals_at_once_remove_each_report_once(make_report, make_user):
    triager = make_user("safeguarding_officer")
    reports = []
    for n in range(4):
        report = make_report(
            text=f"Report {n}.", files=[upload(f"shot{n}.png", PNG + bytes([n]), "image/png")]
        )
        reports.append(services.close_report(report, user=triager, reason="Nothing to act on."))
    later = timezone.now() + datetime.timedelta(days=91)

    results = run_at_once(
        lambda: services.remove_stale_reports(later),
        lambda: services.remove_stale_reports(later),
    )

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 4
    assert not Report.objects.filter(pk__in=[r.pk for r in reports]).exists()
    assert AuditEntry.objects.filter(changes__decision="remove stale report").count() == 4
    items = EvidenceItem.objects.filter(received_via="the reporting page")
    assert {i.custody_state for i in items} == {CustodyState.DISPOSED}
    for item in items:
        assert item.custody_events.filter(transition="disposed").count() == 1
