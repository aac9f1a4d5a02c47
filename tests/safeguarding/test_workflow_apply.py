"""``StateMachine.apply``'s guarantees (one event row, one audit entry, the note rule, the
lock, nothing written when a step is refused), shown on the safeguarding action's workflow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from drachma.audit.models import AuditEntry
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.safeguarding import services
from drachma.safeguarding.models import SafeguardingAction
from drachma.safeguarding.workflow import ACTION


@pytest.fixture
def action(recent_incident, assess, officer):
    incident = recent_incident()
    assess(incident, plan=False)
    return services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )


def _entries(action):
    return AuditEntry.objects.filter(
        model="safeguarding.safeguardingaction", object_id=str(action.pk)
    )


SEEN = {"seen": "The subject", "result": "safe"}


def test_apply_writes_one_event_and_one_audit_entry(action, officer):
    before = _entries(action).count()
    ACTION.apply(action, "complete", user=officer, note="Seen at home.", **SEEN)
    assert action.status == "done"  # the caller's copy is refreshed
    event = action.events.get(transition="complete")
    assert (event.from_state, event.to_state, event.by, event.note) == (
        "open",
        "done",
        officer,
        "What was done: Seen at home. Who was seen: The subject. "
        "Result: Seen and safe: no further action.",
    )
    added = list(_entries(action).order_by("seq")[before:])
    assert len(added) == 1
    entry = added[0]
    assert entry.action == "decision" and entry.changes["decision"] == "complete"
    assert entry.changes["event_id"] == event.pk
    assert entry.changes["fields"]["status"] == ["open", "done"]
    assert entry.changes["fields"]["outcome"] == ["", "Seen at home."]
    assert entry.changes["fields"]["result"] == ["", "safe"]


def test_completing_without_who_was_seen_or_the_result_is_refused(action, officer):
    with pytest.raises(ValidationError) as err:
        ACTION.apply(action, "complete", user=officer, note="Seen at home.")
    assert set(err.value.message_dict) == {"seen", "result"}
    with pytest.raises(ValidationError, match="Choose the result"):
        ACTION.apply(
            action, "complete", user=officer, note="Seen.", seen="The subject", result="fine"
        )
    action.refresh_from_db()
    assert action.status == "open" and not action.events.filter(transition="complete").exists()


def test_a_required_note_is_asked_for_in_the_transitions_words(action, officer):
    with pytest.raises(ValidationError) as err:
        ACTION.apply(action, "cancel", user=officer, note="   ")
    assert err.value.message_dict == {"note": ["Give the reason for cancelling the action."]}
    action.refresh_from_db()
    assert action.status == "open" and not action.events.filter(transition="cancel").exists()


def test_every_note_has_one_limit(action, officer):
    with pytest.raises(ValidationError) as err:
        ACTION.apply(action, "complete", user=officer, note="x" * (NOTE_MAX_LENGTH + 1), **SEEN)
    assert f"at most {NOTE_MAX_LENGTH} characters" in err.value.message_dict["note"][0]
    ACTION.apply(action, "complete", user=officer, note="x" * NOTE_MAX_LENGTH, **SEEN)
    assert action.status == "done"


def test_a_refused_step_writes_nothing(action, officer):
    before = _entries(action).count()
    with pytest.raises(ValidationError):
        ACTION.apply(action, "reopen", user=officer, note="Why not.")
    assert _entries(action).count() == before
    assert list(action.events.values_list("transition", flat=True)) == ["plan"]


def test_apply_reads_the_state_under_its_lock_not_the_callers_copy(action, officer):
    stale = SafeguardingAction.objects.get(pk=action.pk)
    ACTION.apply(action, "complete", user=officer, note="Done.", **SEEN)
    # The caller's stale copy still says "open"; the machine reads the row, which is done.
    assert stale.status == "open"
    with pytest.raises(ValidationError, match="cannot cancel from 'done'"):
        ACTION.apply(stale, "cancel", user=officer, note="Too late.")


def test_a_masked_or_hand_moved_copy_cannot_be_saved(action):
    from drachma.core.personal import mask

    moved = SafeguardingAction.objects.get(pk=action.pk)
    moved.status = "cancelled"
    with pytest.raises(PermissionDenied, match="only through its workflow"):
        moved.save()
    masked = mask(SafeguardingAction.objects.get(pk=action.pk), ["outcome"])
    with pytest.raises(PermissionDenied, match="masked for a viewer"):
        masked.save()
