"""The penetration test's findings, each as an attack by someone with the database owner's
powers (triggers switched off, any SQL), with and without the HMAC key: every one is found by
verify_audit. Against the first design (plain SHA-256 and a chain-head row) each of these
attacks passed as an intact chain."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from drachma.audit import chain
from drachma.audit.anchors import Anchor, FileWitness
from drachma.audit.keys import UNKEYED, keyring
from drachma.audit.models import AuditEntry, AuditSeal
from drachma.audit.services import SealingRefused, anchor_head, append, seal_pending, verify
from tests.audit.tamper import (
    PlainSha256,
    as_owner,
    attacker_key,
    cut_from,
    rehash_from,
    rewrite_entry,
)

pytestmark = pytest.mark.django_db


def chain_of(n: int) -> list[AuditEntry]:
    """``n`` decisions, sealed as their commit would seal them; the whole log, in chain order."""
    for i in range(n):
        append("decision", model="test.thing", object_id=str(i), changes={"decision": f"d{i}"})
    seal_pending()
    return list(AuditEntry.objects.select_related("seal").order_by("seal__position"))


def problem():
    report = verify()
    assert report.problem is not None, "the tampering went unnoticed"
    return report.problem


# --- (a) an entry's content edited -------------------------------------------------------


def test_an_edited_entry_is_found_and_named():
    entries = chain_of(4)
    target = entries[-2]
    as_owner("UPDATE audit_auditentry SET object_repr = %s WHERE seq = %s", ["forged", target.seq])
    found = problem()
    assert (found.seq, found.position) == (target.seq, target.seal.position)
    assert found.reason == "its content no longer matches its hash (edited)"


@pytest.mark.parametrize("forger", [PlainSha256(), attacker_key()], ids=["sha256", "own-key"])
def test_the_newest_entry_edited_and_rehashed_without_the_key_is_found(forger):
    """The first design's blind spot: the last entry edited, its hash recomputed and the head
    reset passed, since no later link covered it. Now its hash is keyed."""
    entries = chain_of(3)
    newest = entries[-1]
    rewrite_entry(newest, forger, changes={"decision": "forged"})
    found = problem()
    assert (found.seq, found.reason) == (
        newest.seq,
        "its content no longer matches its hash (edited)",
    )


def test_an_edited_entry_not_yet_sealed_is_found():
    chain_of(2)
    waiting = append("view", model="people.person", object_id="7", object_repr="Seen")
    as_owner("UPDATE audit_auditentry SET object_id = '8' WHERE seq = %s", [waiting.seq])
    found = problem()
    assert (found.seq, found.position) == (waiting.seq, None)
    assert found.reason == "its content no longer matches its hash (edited)"
    assert "(not sealed)" in str(found)


# --- (b) edited, then the chain re-hashed from that point without the key -----------------


@pytest.mark.parametrize("forger", [PlainSha256(), attacker_key()], ids=["sha256", "own-key"])
def test_an_edit_rehashed_to_the_end_without_the_key_is_found(forger):
    entries = chain_of(6)
    target = entries[-4]
    rewrite_entry(target, forger, object_repr="forged")
    rehash_from(target.seal.position, forger)
    found = problem()
    assert (found.seq, found.position) == (target.seq, target.seal.position)
    if isinstance(forger, PlainSha256):  # sealed as if from before the key
        assert found.reason == "an unkeyed seal after the chain was keyed (not written by Drachma)"
    else:
        assert found.reason == (
            "hashed with a key this installation does not hold (0123456789abcdef)"
        )


def test_an_edit_passed_off_as_an_unkeyed_legacy_entry_is_found():
    """Entry and seal rewritten the way the first chain hashed, with key ids saying 'unkeyed':
    an unkeyed seal after keyed ones is not genuine."""
    entries = chain_of(4)
    target = entries[-2]
    prev_hash = entries[-3].seal.chain_hash
    target.object_repr = "forged"
    target.key_id = UNKEYED
    legacy = chain.legacy_hash(target, position=target.seal.position, prev_hash=prev_hash)
    as_owner(
        "UPDATE audit_auditentry SET object_repr = 'forged', key_id = %s, entry_hash = %s "
        "WHERE seq = %s",
        [UNKEYED, legacy, target.seq],
    )
    as_owner(
        "UPDATE audit_auditseal SET key_id = %s, chain_hash = %s WHERE position = %s",
        [UNKEYED, legacy, target.seal.position],
    )
    found = problem()
    assert found.position == target.seal.position
    assert found.reason == "an unkeyed seal after the chain was keyed (not written by Drachma)"


def test_the_whole_chain_rewritten_as_unkeyed_is_found_by_its_anchor():
    entries = chain_of(3)
    anchor_head()
    prev_hash = chain.GENESIS_HASH
    for entry in entries:
        entry.key_id = UNKEYED
        legacy = chain.legacy_hash(entry, position=entry.seal.position, prev_hash=prev_hash)
        as_owner(
            "UPDATE audit_auditentry SET key_id = %s, entry_hash = %s WHERE seq = %s",
            [UNKEYED, legacy, entry.seq],
        )
        as_owner(
            "UPDATE audit_auditseal SET key_id = %s, prev_hash = %s, chain_hash = %s "
            "WHERE position = %s",
            [UNKEYED, prev_hash, legacy, entry.seal.position],
        )
        prev_hash = legacy
    found = problem()
    assert found.position == entries[-1].seal.position
    assert "differs from the anchor written" in found.reason


def test_a_rewrite_with_the_key_is_found_by_an_anchor_taken_before_it():
    """With the key stolen as well, every hash can be made again: only the anchors outside the
    database still remember the chain as it was."""
    entries = chain_of(5)
    anchor_head()
    target = entries[-3]
    key = keyring().current
    rewrite_entry(target, key, object_repr="forged")
    rehash_from(target.seal.position, key)
    found = problem()
    assert found.position == entries[-1].seal.position  # the anchored head no longer matches
    assert "the chain was rewritten from here or before" in found.reason


# --- (c) entries cut from the end ----------------------------------------------------------


def test_entries_cut_from_the_end_are_found_through_the_anchor():
    entries = chain_of(5)
    anchored = anchor_head()
    assert anchored.position == entries[-1].seal.position
    cut_from(entries[-2].seal.position)
    found = problem()
    end = entries[-3].seal.position
    assert found.position == end + 1
    assert found.reason.startswith(
        f"the chain ends at #{end} but #{anchored.position} was anchored"
    )
    with pytest.raises(CommandError, match="entries were cut from the end"):
        call_command("verify_audit", stdout=StringIO())


def test_a_cut_end_sealed_over_with_new_entries_is_found_through_the_anchor():
    """Cutting the last entries and letting new ones take their places in the chain does not
    hide the cut: the anchored place now holds another hash."""
    entries = chain_of(4)
    anchor_head()
    cut_from(entries[-2].seal.position)
    chain_of(3)
    found = problem()
    assert found.position == entries[-1].seal.position
    assert "differs from the anchor" in found.reason


def test_without_an_anchor_after_them_the_last_entries_can_be_cut_unseen():
    """The limit, as documented: what was sealed after the last anchor is not yet vouched for
    outside the database (the periodic task anchors every minute)."""
    entries = chain_of(4)
    anchor_head()
    more = chain_of(2)[-2:]
    cut_from(more[0].seal.position)
    assert verify().intact
    assert verify().head.position == entries[-1].seal.position


# --- anchors -------------------------------------------------------------------------------


def test_verify_audit_anchors_the_head_of_an_intact_chain_and_checks_it_next_time(settings):
    entries = chain_of(2)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"The head (#{entries[-1].seal.position}) is anchored." in out.getvalue()
    [line] = settings.DRACHMA_AUDIT_ANCHOR_PATH.read_text().splitlines()
    written = json.loads(line)
    assert written["position"] == entries[-1].seal.position
    assert written["chain_hash"] == entries[-1].seal.chain_hash
    assert written["key_id"] == keyring().current.id and len(written["mac"]) == 64
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"Anchors checked: 1, the last at #{entries[-1].seal.position}" in out.getvalue()
    # The head has not moved: no second line.
    assert len(settings.DRACHMA_AUDIT_ANCHOR_PATH.read_text().splitlines()) == 1


def test_a_broken_chain_is_not_anchored(settings):
    entries = chain_of(2)
    as_owner("UPDATE audit_auditentry SET object_repr = 'x' WHERE seq = %s", [entries[-1].seq])
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=StringIO())
    assert not settings.DRACHMA_AUDIT_ANCHOR_PATH.exists()


def test_an_anchor_line_without_the_key_is_found(settings):
    entries = chain_of(2)
    head = entries[-1].seal
    fake = Anchor(
        position=head.position,
        chain_hash=head.chain_hash,
        at=head.sealed_at,
        key_id=keyring().current.id,
        mac="0" * 64,
    )
    FileWitness().record(fake)
    found = problem()
    assert found.position is None and found.seq is None
    assert "does not carry this installation's key" in found.reason
    assert str(found).startswith("the anchors: ")


def test_a_damaged_anchor_line_is_named_and_the_next_anchor_stays_whole(settings):
    chain_of(1)
    settings.DRACHMA_AUDIT_ANCHOR_PATH.write_text('{"position": 3, "chain_ha')  # torn
    anchor_head()
    lines = settings.DRACHMA_AUDIT_ANCHOR_PATH.read_text().splitlines()
    assert lines[0] == '{"position": 3, "chain_ha' and json.loads(lines[1])["position"]
    found = problem()
    assert found.reason.startswith(f"line 1 of file {settings.DRACHMA_AUDIT_ANCHOR_PATH}: ")


def test_a_head_whose_seal_does_not_hold_is_not_anchored(settings):
    entries = chain_of(2)
    as_owner(
        "UPDATE audit_auditseal SET chain_hash = %s WHERE position = %s",
        ["f" * 64, entries[-1].seal.position],
    )
    with pytest.raises(SealingRefused, match="does not hold"):
        anchor_head()
    assert not settings.DRACHMA_AUDIT_ANCHOR_PATH.exists()
    assert AuditSeal.objects.count() == len(entries)


def test_anchors_that_cannot_be_read_are_a_problem_not_a_pass(settings, tmp_path):
    chain_of(1)
    settings.DRACHMA_AUDIT_ANCHOR_PATH = tmp_path  # a directory: unreadable as a file
    found = problem()
    assert found.reason.startswith(f"the anchors of file {tmp_path} cannot be read: ")
