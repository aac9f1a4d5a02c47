"""The chain of custody on ``StateMachine.apply``: every declared step writes one event and one
audit entry and keeps the holder, every undeclared one writes nothing, the permission and the
note limit hold, the state cannot be written by hand, and two officers handing one exhibit
over at once leave one transfer, not two."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.evidence import services
from drachma.evidence.models import CustodyEvent, EvidenceItem
from drachma.evidence.workflow import CUSTODY, STORE_HOLDER, CustodyState
from tests.workflows import put_in_state

S = CustodyState
STATES = [str(s) for s in S]
# What each step needs given, and who holds the exhibit after it (None: unchanged).
PARTIES = {
    "received": {"from_party": "Guardians North"},
    "transferred": {"from_party": "Dana Whitfield", "to_party": "Digital forensics unit"},
    "returned": {"to_party": "The owner"},
}
HOLDER_AFTER = {
    "received": "Dana Whitfield",
    "transferred": "Digital forensics unit",
    "returned": "The owner",
    "disposed": "",
}


@pytest.fixture
def exhibit_in(dana):
    """``exhibit_in("in_custody")``: an exhibit received through the service, then placed in
    that state and held by its receiver."""

    def make(state: str, data: bytes = b"chat export") -> EvidenceItem:
        item = services.receive_file(
            io.BytesIO(data),
            original_filename="chat.txt",
            received_from_type="group",
            received_from="Guardians North",
            via="upload",
            user=dana,
            received_at=timezone.now() - datetime.timedelta(hours=1),
        )
        return put_in_state(item, custody_state=state)

    return make


def _entries(item):
    return AuditEntry.objects.filter(model="evidence.evidenceitem", object_id=str(item.pk))


@pytest.mark.django_db
def test_the_receipt_is_the_chains_first_event(dana):
    item = services.receive_file(
        io.BytesIO(b"bytes"),
        original_filename="a.txt",
        received_from_type="group",
        received_from="Guardians North",
        via="upload",
        user=dana,
    )
    event = item.custody_events.get()
    assert (event.transition, event.from_state, event.to_state, event.by) == (
        "received",
        "",
        "received",
        dana,
    )
    assert (event.from_party, event.sha256_verified) == ("Guardians North", item.sha256)
    assert (item.custody_state, item.custody_holder) == ("received", "Dana Whitfield")


@pytest.mark.django_db
@pytest.mark.parametrize("source,name,target", sorted(CUSTODY.pairs()))
def test_each_step_writes_one_event_and_one_audit_entry(source, name, target, exhibit_in, dana):
    item = exhibit_in(source)
    holder_before = item.custody_holder
    events, entries = item.custody_events.count(), _entries(item).count()
    CUSTODY.apply(
        item,
        name,
        user=dana,
        note="Why.",
        location=" Property store ",
        verify_hash=True,
        **PARTIES.get(name, {}),
    )
    assert item.custody_state == target  # the caller's copy is refreshed
    assert item.custody_holder == HOLDER_AFTER.get(name, holder_before)
    assert item.custody_events.count() == events + 1
    event = item.custody_events.order_by("-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by, event.note) == (
        name,
        source,
        target,
        dana,
        "Why.",
    )
    assert (event.location, event.sha256_verified) == ("Property store", item.sha256)
    assert event.from_party == PARTIES.get(name, {}).get("from_party", "")
    added = list(_entries(item).order_by("seq")[entries:])
    assert len(added) == 1
    assert (added[0].changes["decision"], added[0].changes["workflow"]) == (name, "custody")
    assert added[0].changes["event_id"] == event.pk
    if source != target:
        assert added[0].changes["fields"]["custody_state"] == [source, target]


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_every_step_not_declared_from_a_state_is_refused_and_writes_nothing(
    state, exhibit_in, dana
):
    item = exhibit_in(state)
    events, entries = item.custody_events.count(), _entries(item).count()
    for t in (t for t in CUSTODY.transitions if state not in t.sources):
        with pytest.raises(ValidationError) as err:
            CUSTODY.apply(item, t.name, user=dana, **PARTIES.get(t.name, {}))
        assert f"cannot {t.label.lower()} from '{state}'" in err.value.message_dict["transition"][0]
        # The service says the same in the officers' words, naming the exhibit.
        with pytest.raises(ValidationError) as err:
            services.record_custody_event(item, kind=t.name, user=dana, **PARTIES.get(t.name, {}))
        assert item.exhibit_ref in err.value.message_dict["kind"][0]
    item.refresh_from_db()
    assert item.custody_state == state
    assert item.custody_events.count() == events and _entries(item).count() == entries


@pytest.mark.django_db
def test_a_role_without_the_permission_is_refused_and_nothing_written(exhibit_in, make_user):
    item = exhibit_in("received")
    events, entries = item.custody_events.count(), _entries(item).count()
    with pytest.raises(ValidationError, match="your role may not log"):
        CUSTODY.apply(item, "logged", user=make_user("analyst"))
    item.refresh_from_db()
    assert item.custody_state == "received"
    assert item.custody_events.count() == events and _entries(item).count() == entries


@pytest.mark.django_db
def test_a_refused_check_writes_nothing(exhibit_in, dana, settings):
    """A guard refusing (here the hash) leaves no event, no audit entry and no new holder."""
    from drachma.evidence.store import blob_name

    item = exhibit_in("in_custody", data=b"original")
    path = settings.DRACHMA_EVIDENCE_ROOT / blob_name(item.sha256)
    path.chmod(0o640)
    path.write_bytes(b"altered")
    events, entries = item.custody_events.count(), _entries(item).count()
    with pytest.raises(ValidationError) as err:
        CUSTODY.apply(item, "transferred", user=dana, verify_hash=True, **PARTIES["transferred"])
    assert "no longer matches its hash" in err.value.message_dict["verify_hash"][0]
    item.refresh_from_db()
    assert item.custody_holder == "Dana Whitfield"
    assert item.custody_events.count() == events and _entries(item).count() == entries


@pytest.mark.django_db
def test_the_note_has_the_one_limit(exhibit_in, dana):
    item = exhibit_in("in_custody")
    with pytest.raises(ValidationError) as err:
        services.record_custody_event(
            item, kind="examined", user=dana, note="x" * (NOTE_MAX_LENGTH + 1)
        )
    assert f"at most {NOTE_MAX_LENGTH} characters" in err.value.message_dict["note"][0]
    event = services.record_custody_event(
        item, kind="examined", user=dana, note="x" * NOTE_MAX_LENGTH
    )
    assert len(event.note) == NOTE_MAX_LENGTH


@pytest.mark.django_db
def test_the_state_and_holder_read_from_the_chain(exhibit_in, dana):
    """The stored state and holder are what the chain of events says: the last event's state,
    and the holder the custody rules give."""
    item = exhibit_in("received")
    for kind in ("logged", "transferred", "examined", "returned", "disposed"):
        services.record_custody_event(item, kind=kind, user=dana, **PARTIES.get(kind, {}))
        last = item.custody_events.order_by("-at", "-pk").first()
        assert item.custody_state == last.to_state
        states = list(item.custody_events.values_list("from_state", "to_state"))
        assert all(a == b for (_, a), (b, _) in zip(states, states[1:], strict=False))
    assert services.custody_state(item) == ("disposed", "")


@pytest.mark.django_db
def test_a_file_that_came_in_by_itself_is_held_by_the_store():
    item = services.receive_file(
        io.BytesIO(b"x"),
        original_filename="a.txt",
        received_from_type="public",
        via="the reporting page",
        by_description="the public reporting page",
    )
    event = item.custody_events.get()
    assert (event.by, event.by_description) == (None, "the public reporting page")
    assert item.custody_holder == STORE_HOLDER


@pytest.mark.django_db
def test_the_state_and_the_chain_cannot_be_written_by_hand(exhibit_in):
    item = exhibit_in("in_custody")
    moved = EvidenceItem.objects.get(pk=item.pk)
    moved.custody_state = "disposed"
    with pytest.raises(PermissionDenied, match="only through its workflow"):
        moved.save()
    with pytest.raises(PermissionDenied):
        EvidenceItem.objects.filter(pk=item.pk).update(custody_state="disposed")
    event = CustodyEvent.objects.filter(item=item).get()
    event.note = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    item.refresh_from_db()
    assert item.custody_state == "in_custody"


# --- a race (PostgreSQL: SQLite lets one writer in at a time, so there is nothing to race) ----

WAIT = 60


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="racing writers need PostgreSQL")
def test_two_handovers_of_one_exhibit_at_once_leave_one(exhibit_in, dana):
    """Both officers read Dana as the holder; the second to take the lock finds the exhibit
    already with the first's recipient and is refused: the chain never forks."""
    item = exhibit_in("in_custody")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def hand_over(to_party):
        try:
            start.wait(WAIT)
            services.record_custody_event(
                item,
                kind="transferred",
                user=dana,
                from_party="Dana Whitfield",
                to_party=to_party,
            )
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over, args=(p,)) for p in ("DFU", "CPS")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert "is held by" in errors[0].message_dict["from_party"][0]
    item.refresh_from_db()
    transfers = list(item.custody_events.filter(transition="transferred"))
    assert len(transfers) == 1 and item.custody_holder == transfers[0].to_party
