"""The intelligence workflow on the one ``apply``: every declared step leaves one event and one
audit entry, a refused one writes nothing, the note rule and the author rule hold, the state
is never written by hand, and two assessors at once cannot both move an entry."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from drachma.audit.models import AuditEntry
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.intelligence.models import IntelligenceEntry, IntelligenceEvent
from drachma.intelligence.services import transition_entry
from drachma.intelligence.workflow import INTELLIGENCE_WORKFLOW as MACHINE
from tests.factories import ago, make_entry, make_group

STATES = ["requires_assessment", "returned", "assessed", "linked"]


def _entries(entry):
    return AuditEntry.objects.filter(
        model="intelligence.intelligenceentry", object_id=str(entry.pk)
    )


def entry_in(analyst, state="requires_assessment"):
    return make_entry(
        analyst,
        state=state,
        group=make_group(f"G{IntelligenceEntry.objects.count()}"),
        learned_at=ago(days=3),
        text="Seen.",
        sanitised_text="A group was seen.",
    )


def _user_for(name, analyst, supervisor):
    return analyst if name == "resubmit" else supervisor


def test_the_machine_names_its_record_and_history():
    assert (MACHINE.model, MACHINE.field, MACHINE.event_model) == (
        IntelligenceEntry,
        "status",
        IntelligenceEvent,
    )
    assert MACHINE.initial == ["requires_assessment"]


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "name", "target"), sorted(MACHINE.pairs()))
def test_every_step_leaves_one_event_and_one_audit_entry(source, name, target, analyst, supervisor):
    entry = entry_in(analyst, source)
    user = _user_for(name, analyst, supervisor)
    before = _entries(entry).count()
    MACHINE.apply(entry, name, user=user, note="Because.")
    assert entry.status == target
    event = entry.events.get()
    assert (event.transition, event.from_state, event.to_state, event.by, event.note) == (
        name,
        source,
        target,
        user,
        "Because.",
    )
    added = list(_entries(entry).order_by("seq")[before:])
    assert len(added) == 1 and added[0].action == "decision"
    assert added[0].changes["decision"] == name and added[0].changes["event_id"] == event.pk
    assert added[0].changes["fields"]["status"] == [source, target]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "name"),
    sorted(
        {(s, t.name) for s in STATES for t in MACHINE.transitions}
        - {(s, n) for s, n, _ in MACHINE.pairs()}
    ),
)
def test_a_step_from_a_state_it_does_not_start_from_writes_nothing(
    state, name, analyst, supervisor
):
    entry = entry_in(analyst, state)
    before = _entries(entry).count()
    with pytest.raises(ValidationError, match=f"intelligence: cannot .* from '{state}'"):
        MACHINE.apply(entry, name, user=_user_for(name, analyst, supervisor), note="Because.")
    entry.refresh_from_db()
    assert entry.status == state and not entry.events.exists()
    assert _entries(entry).count() == before


@pytest.mark.django_db
def test_a_refused_guard_writes_nothing(analyst, supervisor):
    entry = entry_in(analyst)
    before = _entries(entry).count()
    with pytest.raises(ValidationError, match="someone other than its author"):
        transition_entry(entry, "assess", user=analyst)
    entry.refresh_from_db()
    assert entry.status == "requires_assessment" and not entry.events.exists()
    assert _entries(entry).count() == before


@pytest.mark.django_db
def test_every_note_has_the_one_limit(analyst, supervisor):
    entry = entry_in(analyst)
    with pytest.raises(ValidationError) as err:
        transition_entry(entry, "assess", user=supervisor, note="x" * (NOTE_MAX_LENGTH + 1))
    assert f"at most {NOTE_MAX_LENGTH} characters" in err.value.message_dict["note"][0]
    transition_entry(entry, "assess", user=supervisor, note="  Checked the source.  ")
    assert entry.events.get().note == "Checked the source."


@pytest.mark.django_db
def test_the_state_is_never_written_by_hand(analyst):
    entry = entry_in(analyst)
    entry.status = "linked"
    with pytest.raises(PermissionDenied, match="changes only through its workflow"):
        entry.save()
    with pytest.raises(PermissionDenied, match="not a bulk write"):
        IntelligenceEntry.objects.filter(pk=entry.pk).update(status="linked")


@pytest.mark.django_db
def test_the_page_shows_the_history_in_words(client_as, analyst, supervisor):
    entry = entry_in(analyst)
    transition_entry(entry, "return_for_correction", user=supervisor, note="Grade the source.")
    page = (
        client_as(user=supervisor)
        .get(reverse("intelligence:entry_detail", args=[entry.pk]))
        .content.decode()
    )
    assert "Recorded</h3>" in page and "Return for correction</h3>" in page
    assert "From requires assessment to returned for correction" in page
    assert "Grade the source." in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_assessors_at_once_one_moves_the_entry(analyst, make_user):
    entry = entry_in(analyst)
    assessors = [make_user("supervisor"), make_user("analyst")]
    start = threading.Barrier(2)
    results: list = [None, None]

    def run(i):
        try:
            start.wait(60)
            results[i] = transition_entry(
                entry, "return_for_correction", user=assessors[i], note=f"From {i}."
            )
        except BaseException as exc:  # reported in the test's thread
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    won = [r for r in results if isinstance(r, IntelligenceEntry)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "cannot return for correction from 'returned'" in str(lost[0])
    entry.refresh_from_db()
    assert entry.status == "returned" and entry.events.count() == 1
    assert entry.returned_reason == entry.events.get().note
