"""The incident schedules move onto the cases (cases 0003): nothing is lost. An incident in one
case keeps its decisions on that case; an incident in two cases is copied onto each,
undecided; an incident in no case keeps its schedule; every case gets its drafts."""

import pytest
from django.utils import timezone

from drachma.cases.models import Material, Schedule
from drachma.evidence.models import DisclosureEntry
from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("cases", "0001_initial")]


@pytest.fixture
def old(transactional_db):
    yield migrate_to(BEFORE)
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_incident_schedules_move_onto_their_cases(old):
    User = old.get_model("auth", "User")
    officer = User.objects.create(username="dana")
    Incident = old.get_model("incidents", "Incident")
    Case = old.get_model("cases", "Case")
    Entry = old.get_model("evidence", "DisclosureEntry")
    now = timezone.now()

    def incident(n):
        return Incident.objects.create(
            reference=f"DR-2026-00000{n}",
            occurred_at=now,
            received_at=now,
            source="group",
            kind="doorstep",
            summary="s",
            place="Preston",
            review_date="2030-01-01",
        )

    def case(urn, *incidents):
        made = Case.objects.create(
            urn=urn,
            officer_in_case=officer,
            disclosure_officer=officer,
            prosecutor_name="A. Lawyer",
            prosecutor_contact="a@cps.example",
            review_date="2030-01-01",
        )
        made.incidents.set(incidents)
        return made

    alone, shared, none = incident(1), incident(2), incident(3)
    for inc in (alone, shared, none):
        Entry.objects.create(
            incident=inc,
            number=1,
            description=f"Notebook of {inc.reference}",
            status="scheduled",
            prosecutor_decision="disclose",
            decided_by=officer,
            decided_at=now,
        )
    Entry.objects.create(
        incident=alone,
        number=2,
        description="Source log",
        sensitive=True,
        sensitivity_reason="A source",
        location="Covert unit",
    )
    first = case("06AB1234526", alone, shared)
    second = case("06AB1234626", shared)
    migrate_to_latest()

    moved = list(Material.objects.filter(case_id=first.pk).order_by("number"))
    assert [(m.number, m.description, m.status, m.prosecutor_decision) for m in moved] == [
        (1, "Notebook of DR-2026-000001", "scheduled", "disclose"),
        (2, "Source log", "undecided", ""),
        (3, "Notebook of DR-2026-000002", "undecided", ""),  # shared with the second case
    ]
    assert moved[0].location == "Incident DR-2026-000001, item 1"
    assert moved[1].location == "Covert unit" and moved[1].sensitive
    assert moved[0].decided_by_id == officer.pk
    on_second = Material.objects.filter(case_id=second.pk).get()
    assert (on_second.number, on_second.status) == (1, "undecided")
    assert on_second.migrated_from_id == moved[2].migrated_from_id
    # Nothing is deleted: every entry is still on its incident, the caseless one included.
    assert DisclosureEntry.objects.count() == 4
    assert DisclosureEntry.objects.filter(incident_id=none.pk).exists()
    assert not Material.objects.filter(migrated_from__incident_id=none.pk).exists()
    for made in (first, second):
        drafts = Schedule.objects.filter(case_id=made.pk)
        assert sorted(s.kind for s in drafts) == ["MG6C", "MG6D", "MG6E"]
        assert {s.state for s in drafts} == {"draft"}
        assert all(s.events.get().transition == "drafted" for s in drafts)
