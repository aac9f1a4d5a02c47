"""The takedown workflow on ``StateMachine.apply``: every declared step writes one event and
one audit entry, every undeclared one writes nothing, the note rule and the permission hold,
the state cannot be written by hand, and two officers (or sweeps) racing on one request leave
one step, not two."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.core.models import Notification
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.takedown import services
from drachma.takedown.models import TakedownEvent, TakedownRequest
from drachma.takedown.workflow import TAKEDOWN, deadline
from tests.workflows import put_in_state

STATES = [str(s) for s in TAKEDOWN.states]
NOTED = sorted(t.name for t in TAKEDOWN.transitions if t.note_required)


@pytest.fixture
def request_in(make_item, investigator):
    """``request_in("pending")``: a request placed in that state (no deadline pending)."""

    def make(state: str) -> TakedownRequest:
        request = services.open_request(make_item(), user=investigator)
        return put_in_state(request, state=state, deadline=None)

    return make


def _entries(request):
    return AuditEntry.objects.filter(model="takedown.takedownrequest", object_id=str(request.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("source,name,target", sorted(TAKEDOWN.pairs()))
def test_each_step_writes_one_event_and_one_audit_entry(
    source, name, target, request_in, investigator
):
    request = request_in(source)
    events, entries = request.events.count(), _entries(request).count()
    at = timezone.now()
    TAKEDOWN.apply(
        request, name, user=investigator, note="Why.", at=at, platform_reference=" PLAT-1 "
    )
    assert request.state == target  # the caller's copy is refreshed
    assert request.deadline == deadline(target, at)
    assert request.platform_reference == "PLAT-1"
    assert request.events.count() == events + 1
    event = request.events.order_by("-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by, event.note) == (
        name,
        source,
        target,
        investigator,
        "Why.",
    )
    added = list(_entries(request).order_by("seq")[entries:])
    assert len(added) == 1
    assert added[0].action == "decision"
    assert (added[0].changes["decision"], added[0].changes["workflow"]) == (name, "takedown")
    assert added[0].changes["event_id"] == event.pk
    assert added[0].changes["fields"]["state"] == [source, target]


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_every_step_not_declared_from_a_state_is_refused_and_writes_nothing(
    state, request_in, investigator
):
    request = request_in(state)
    events, entries = request.events.count(), _entries(request).count()
    refused = [t for t in TAKEDOWN.transitions if state not in t.sources]
    for t in refused:
        with pytest.raises(ValidationError) as err:
            TAKEDOWN.apply(request, t.name, user=investigator, note="Why.")
        assert f"cannot {t.label.lower()} from '{state}'" in err.value.message_dict["transition"][0]
    request.refresh_from_db()
    assert request.state == state
    assert request.events.count() == events and _entries(request).count() == entries


@pytest.mark.django_db
def test_an_unknown_step_is_refused_by_name(request_in, investigator):
    request = request_in("identified")
    with pytest.raises(ValidationError, match="no transition called 'launch'"):
        TAKEDOWN.apply(request, "launch", user=investigator)


@pytest.mark.django_db
def test_a_role_without_the_permission_is_refused_and_nothing_written(request_in, make_user):
    request = request_in("identified")
    events, entries = request.events.count(), _entries(request).count()
    with pytest.raises(ValidationError, match="your role may not ask the group to remove it"):
        TAKEDOWN.apply(request, "ask_group", user=make_user("safeguarding_officer"), note="x")
    request.refresh_from_db()
    assert request.state == "identified" and request.group_message == ""
    assert request.events.count() == events and _entries(request).count() == entries


@pytest.mark.django_db
@pytest.mark.parametrize("name", NOTED)
def test_a_required_note_is_asked_for_in_the_steps_words(name, request_in, investigator):
    t = TAKEDOWN.transition(name)
    source = sorted(t.sources)[0]
    request = request_in(source)
    with pytest.raises(ValidationError) as err:
        TAKEDOWN.apply(request, name, user=investigator, note="   ")
    assert err.value.message_dict == {"note": [t.note]}
    request.refresh_from_db()
    assert request.state == source and not request.events.filter(transition=name).exists()


@pytest.mark.django_db
def test_the_note_has_the_one_limit(request_in, investigator):
    request = request_in("identified")
    with pytest.raises(ValidationError) as err:
        TAKEDOWN.apply(request, "ask_group", user=investigator, note="x" * (NOTE_MAX_LENGTH + 1))
    assert f"at most {NOTE_MAX_LENGTH} characters" in err.value.message_dict["note"][0]
    TAKEDOWN.apply(request, "ask_group", user=investigator, note="x" * NOTE_MAX_LENGTH)
    assert request.state == "removal_asked" and len(request.group_message) == NOTE_MAX_LENGTH


@pytest.mark.django_db
def test_a_request_begins_with_one_event_and_only_in_an_initial_state(make_item, investigator):
    draft = services.open_request(make_item(), user=None, draft=True, note="From a match.")
    first = draft.events.get()
    assert (first.transition, first.from_state, first.to_state, first.by_description) == (
        "open",
        "",
        "draft",
        "matching",
    )
    closed = TakedownRequest(content_item=make_item(), state="closed", reference="TR-X-1")
    with pytest.raises(ValidationError, match="cannot begin as 'closed'"):
        TAKEDOWN.start(closed, user=investigator)


@pytest.mark.django_db
def test_the_state_cannot_be_written_by_hand(request_in):
    request = request_in("identified")
    moved = TakedownRequest.objects.get(pk=request.pk)
    moved.state = "closed"
    with pytest.raises(PermissionDenied, match="only through its workflow"):
        moved.save()
    with pytest.raises(PermissionDenied):
        TakedownRequest.objects.filter(pk=request.pk).update(state="closed")
    request.refresh_from_db()
    assert request.state == "identified"


@pytest.mark.django_db
def test_events_are_never_changed_or_deleted(request_in):
    event = TakedownEvent.objects.get(request=request_in("identified"))
    event.note = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()


@pytest.mark.django_db
def test_no_answer_recorded_by_someone_else_tells_whoever_asked(make_item, investigator, make_user):
    request = services.open_request(make_item(), user=investigator)
    asked_at = timezone.now() - datetime.timedelta(days=30)
    services.transition_request(
        request, "ask_group", user=investigator, note="Please.", at=asked_at
    )
    colleague = make_user("investigator")
    services.transition_request(request, "no_answer", user=colleague)
    assert request.state == "no_answer"
    event = request.events.get(transition="no_answer")
    assert event.note == f"No answer from the group since {timezone.localtime(asked_at):%d/%m/%Y}."
    told = Notification.objects.get(recipient=investigator)
    assert request.reference in told.subject
    assert not Notification.objects.filter(recipient=colleague).exists()


@pytest.mark.django_db
def test_the_sweep_skips_a_request_whose_deadline_moved_since_it_was_listed(
    make_item, investigator, monkeypatch
):
    """The sweep lists the waiting requests, then takes each step under the row's lock: one
    answered (or given more time) in between is left alone, and the others still move."""
    past = timezone.now() - datetime.timedelta(days=30)
    first, second = (services.open_request(make_item(), user=investigator) for _ in range(2))
    for request in (first, second):
        services.transition_request(request, "ask_group", user=investigator, note="P.", at=past)
    real_apply = TAKEDOWN.apply

    def answered_first(record, name, **kwargs):
        if record.pk == first.pk:
            real_apply(first, "group_removed", user=investigator)
        return real_apply(record, name, **kwargs)

    monkeypatch.setattr(TAKEDOWN, "apply", answered_first)
    assert services.record_no_answers() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("removed_by_group", "no_answer")
    assert not first.events.filter(transition="no_answer").exists()


@pytest.mark.django_db
def test_the_history_shows_steps_and_states_in_words(investigator_client, make_item, investigator):
    item = make_item()
    request = services.open_request(item, user=investigator)
    services.transition_request(request, "ask_group", user=investigator, note="Please remove it.")
    page = investigator_client.get(reverse("takedown:detail", args=[item.reference])).text
    assert "Ask the group to remove it" in page
    assert "From identified to removal asked of the group" in page
    assert "Began as identified" in page
    assert "removal_asked" not in page


# --- races (PostgreSQL: SQLite lets one writer in at a time, so there is nothing to race) ----

WAIT = 60


def _race(*targets) -> list[BaseException]:
    start = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target):
        try:
            start.wait(WAIT)
            target()
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return errors


race = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="racing writers need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
@race
def test_two_officers_racing_on_one_request_one_step_wins(make_item, investigator, make_user):
    request = services.open_request(make_item(), user=investigator)
    services.transition_request(request, "ask_group", user=investigator, note="Please.")
    other = make_user("investigator")
    errors = _race(
        lambda: services.transition_request(request, "group_removed", user=investigator),
        lambda: services.transition_request(request, "group_refused", user=other, note="No."),
    )
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    request.refresh_from_db()
    steps = list(request.events.values_list("transition", flat=True))
    assert steps[:2] == ["open", "ask_group"] and len(steps) == 3
    assert (
        request.state == {"group_removed": "removed_by_group", "group_refused": "refused"}[steps[2]]
    )
    assert _entries(request).filter(action="decision").count() == 2


@pytest.mark.django_db(transaction=True)
@race
def test_sweeps_racing_move_each_request_once(make_item, investigator):
    past = timezone.now() - datetime.timedelta(days=30)
    requests = [services.open_request(make_item(), user=investigator) for _ in range(4)]
    for request in requests:
        services.transition_request(request, "ask_group", user=investigator, note="P.", at=past)
    moved: list[int] = []
    errors = _race(*(lambda: moved.append(services.record_no_answers()) for _ in range(3)))
    assert not errors, errors
    assert sum(moved) == len(requests)
    for request in requests:
        request.refresh_from_db()
        assert request.state == "no_answer"
        assert request.events.filter(transition="no_answer").count() == 1
    # The asker is told once per request, not once per sweep.
    assert Notification.objects.filter(recipient=investigator).count() == len(requests)
