"""The chain of custody: the state machine transition by transition, and the service's checks."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.evidence import services
from drachma.evidence.models import CustodyEvent, EvidenceItem, StoredFile
from drachma.evidence.store import blob_name
from drachma.evidence.workflow import CUSTODY, CustodyState, state_after

S = CustodyState
ALLOWED = {
    (S.NOT_RECEIVED, "received", S.RECEIVED),
    (S.RECEIVED, "logged", S.IN_CUSTODY),
    (S.IN_CUSTODY, "transferred", S.IN_CUSTODY),
    (S.IN_CUSTODY, "examined", S.IN_CUSTODY),
    (S.IN_CUSTODY, "copied", S.IN_CUSTODY),
    (S.IN_CUSTODY, "returned", S.RETURNED),
    (S.RECEIVED, "disposed", S.DISPOSED),
    (S.IN_CUSTODY, "disposed", S.DISPOSED),
    (S.RETURNED, "disposed", S.DISPOSED),
}


def test_machine_declares_exactly_the_allowed_transitions():
    assert CUSTODY.pairs() == {(str(a), t, str(b)) for a, t, b in ALLOWED}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize(
    "kind", ["received", "logged", "transferred", "examined", "copied", "returned", "disposed"]
)
def test_every_transition_allowed_or_forbidden(state, kind):
    expected = {(a, t): b for a, t, b in ALLOWED}.get((state, kind))
    if expected is None:
        with pytest.raises(ValidationError):
            CUSTODY.check(state, kind)
    else:
        assert CUSTODY.check(state, kind).target == expected


def test_nothing_follows_disposal():
    assert CUSTODY.allowed(S.DISPOSED) == []
    assert state_after(["received", "logged", "disposed"]) == S.DISPOSED


def _item(user=None, data=b"chat export"):
    return services.receive_file(
        io.BytesIO(data),
        original_filename="chat.txt",
        received_from_type="group",
        received_from="Guardians North",
        via="upload",
        user=user,
    )


def _at(minutes):
    return timezone.now() - datetime.timedelta(hours=2) + datetime.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_a_full_chain_in_order(dana):
    item = _item(dana)
    assert services.custody_state(item) == (S.RECEIVED, "Dana Whitfield")
    services.record_custody_event(item, kind="logged", user=dana, location="Property store, Bolton")
    services.record_custody_event(
        item,
        kind="transferred",
        user=dana,
        from_party="dana whitfield",
        to_party="Digital forensics unit",
        verify_hash=True,
    )
    services.record_custody_event(item, kind="examined", user=dana, note="Extraction report DF-1")
    services.record_custody_event(item, kind="copied", user=dana)
    services.record_custody_event(item, kind="returned", user=dana, to_party="Guardians North")
    assert services.custody_state(item) == (S.RETURNED, "Guardians North")
    services.record_custody_event(item, kind="disposed", user=dana)
    kinds = list(item.custody_events.values_list("transition", flat=True))
    assert kinds == [
        "received",
        "logged",
        "transferred",
        "examined",
        "copied",
        "returned",
        "disposed",
    ]
    transfer = item.custody_events.get(transition="transferred")
    assert transfer.sha256_verified == item.sha256
    assert services.custody_state(item) == (S.DISPOSED, "")


@pytest.mark.django_db
def test_transferred_before_received_is_refused():
    from drachma.evidence.models import StoredFile as SF

    stored = services.store_file(io.BytesIO(b"bytes"))
    item = EvidenceItem.objects.create(
        stored_file=stored,
        exhibit_ref="EX-TEST-1",
        original_filename="x",
        received_from_type="public",
        received_via="test",
    )
    with pytest.raises(ValidationError) as exc:
        services.record_custody_event(item, kind="transferred", from_party="A", to_party="B")
    assert "cannot be transferred before it has been received" in exc.value.message_dict["kind"][0]
    assert CustodyEvent.objects.count() == 0 and SF.objects.count() == 1


@pytest.mark.django_db
def test_transfer_before_logging_is_refused(dana):
    item = _item(dana)
    with pytest.raises(ValidationError) as exc:
        services.record_custody_event(
            item, kind="transferred", user=dana, from_party="Dana Whitfield", to_party="DFU"
        )
    assert "received, not yet logged" in exc.value.message_dict["kind"][0]
    assert "logged" in exc.value.message_dict["kind"][0]


@pytest.mark.django_db
def test_second_receipt_is_refused(dana):
    item = _item(dana)
    with pytest.raises(ValidationError, match="cannot be received now"):
        services.record_custody_event(item, kind="received", user=dana, from_party="Someone")


@pytest.mark.django_db
def test_nothing_after_disposal(dana):
    item = _item(dana)
    services.record_custody_event(item, kind="disposed", user=dana)
    for kind in ("logged", "examined", "transferred", "returned", "disposed"):
        with pytest.raises(ValidationError) as exc:
            services.record_custody_event(item, kind=kind, user=dana, from_party="x", to_party="y")
        assert "nothing can follow disposal" in exc.value.message_dict["kind"][0]


@pytest.mark.django_db
def test_transfer_must_start_from_the_holder(dana):
    item = _item(dana)
    services.record_custody_event(item, kind="logged", user=dana)
    with pytest.raises(ValidationError) as exc:
        services.record_custody_event(
            item,
            kind="transferred",
            user=dana,
            from_party="PC Somebody Else",
            to_party="DFU",
        )
    assert "held by Dana Whitfield, not PC Somebody Else" in exc.value.message_dict["from_party"][0]
    services.record_custody_event(
        item, kind="transferred", user=dana, from_party="Dana Whitfield", to_party="DFU"
    )
    assert services.custody_state(item) == (S.IN_CUSTODY, "DFU")
    with pytest.raises(ValidationError, match="held by DFU"):
        services.record_custody_event(
            item, kind="transferred", user=dana, from_party="Dana Whitfield", to_party="CPS"
        )


@pytest.mark.django_db
def test_transfer_and_return_need_parties(dana):
    item = _item(dana)
    services.record_custody_event(item, kind="logged", user=dana)
    with pytest.raises(ValidationError) as exc:
        services.record_custody_event(item, kind="transferred", user=dana)
    assert set(exc.value.message_dict) == {"from_party", "to_party"}
    with pytest.raises(ValidationError) as exc:
        services.record_custody_event(item, kind="returned", user=dana)
    assert "to_party" in exc.value.message_dict


@pytest.mark.django_db
def test_unknown_kind_and_time_order(dana):
    item = _item(dana)
    with pytest.raises(ValidationError, match="Unknown custody event kind 'lost'"):
        services.record_custody_event(item, kind="lost", user=dana)
    with pytest.raises(ValidationError) as exc:
        services.record_custody_event(
            item,
            kind="logged",
            user=dana,
            at=item.received_at - datetime.timedelta(hours=1),
        )
    assert "before the last custody event" in exc.value.message_dict["at"][0]
    with pytest.raises(ValidationError, match="in the future"):
        services.record_custody_event(
            item, kind="logged", user=dana, at=timezone.now() + datetime.timedelta(days=1)
        )
    assert item.custody_events.count() == 1


@pytest.mark.django_db
def test_role_without_permission_is_refused(make_user):
    analyst = make_user("analyst")
    item = _item()
    with pytest.raises(ValidationError, match="your role may not log"):
        services.record_custody_event(item, kind="logged", user=analyst)
    assert item.custody_events.count() == 1


@pytest.mark.django_db
def test_verify_hash_detects_changed_and_missing_file(settings, dana):
    item = _item(dana, b"original bytes")
    services.record_custody_event(item, kind="logged", user=dana)
    path = settings.DRACHMA_EVIDENCE_ROOT / blob_name(item.sha256)
    path.chmod(0o640)
    path.write_bytes(b"altered bytes")
    with pytest.raises(ValidationError) as exc:
        services.record_custody_event(item, kind="examined", user=dana, verify_hash=True)
    assert "no longer matches its hash" in exc.value.message_dict["verify_hash"][0]
    path.unlink()
    with pytest.raises(ValidationError, match="missing from the evidence store"):
        services.record_custody_event(item, kind="examined", user=dana, verify_hash=True)
    assert item.custody_events.count() == 2
    assert StoredFile.objects.count() == 1


# The service, state by state: every kind tried from every reachable state.
PATHS = {
    S.RECEIVED: [],
    S.IN_CUSTODY: ["logged"],
    S.RETURNED: ["logged", "returned"],
    S.DISPOSED: ["disposed"],
}
PARTIES = {
    "transferred": {"from_party": "Dana Whitfield", "to_party": "DFU"},
    "returned": {"to_party": "Owner"},
    "received": {"from_party": "Someone"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(PATHS))
@pytest.mark.parametrize(
    "kind", ["received", "logged", "transferred", "examined", "copied", "returned", "disposed"]
)
def test_service_follows_the_machine(state, kind, dana):
    item = _item(dana)
    for step in PATHS[state]:
        services.record_custody_event(item, kind=step, user=dana, **PARTIES.get(step, {}))
    assert services.custody_state(item)[0] == state
    before = item.custody_events.count()
    expected = {(a, t): b for a, t, b in ALLOWED}.get((state, kind))
    if expected is None:
        with pytest.raises(ValidationError) as exc:
            services.record_custody_event(item, kind=kind, user=dana, **PARTIES.get(kind, {}))
        assert item.exhibit_ref in exc.value.message_dict["kind"][0]
        assert item.custody_events.count() == before
    else:
        services.record_custody_event(item, kind=kind, user=dana, **PARTIES.get(kind, {}))
        assert services.custody_state(item)[0] == expected


@pytest.mark.django_db
def test_a_file_that_came_in_by_itself_is_held_by_the_store(dana):
    item = services.receive_file(
        io.BytesIO(b"x"),
        original_filename="a.txt",
        received_from_type="public",
        via="the reporting page",
        by_description="the public reporting page",
    )
    assert services.custody_state(item) == (S.RECEIVED, services.STORE_HOLDER)
    services.record_custody_event(item, kind="logged", user=dana)
    services.record_custody_event(
        item,
        kind="transferred",
        user=dana,
        from_party="The force's evidence store",
        to_party="Dana Whitfield",
    )
    assert services.custody_state(item) == (S.IN_CUSTODY, "Dana Whitfield")
