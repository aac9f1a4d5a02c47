import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from drachma.evidence.models import CustodyEvent, EvidenceItem, StoredFile
from drachma.evidence.services import receive_file
from drachma.evidence.store import EvidenceEmpty, EvidenceStore, EvidenceTooLarge, blob_name


def test_store_is_content_addressed_and_stores_once(settings):
    store = EvidenceStore()
    data = b"chat export bytes\n" * 1000
    first = store.put(io.BytesIO(data))
    second = store.put(io.BytesIO(data))
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert first.created and not second.created
    path = settings.DRACHMA_EVIDENCE_ROOT / blob_name(first.sha256)
    assert path.read_bytes() == data
    assert oct(path.stat().st_mode & 0o777) == "0o440"  # never modified after receipt


def test_store_refuses_oversize_before_storing(settings):
    store = EvidenceStore(max_bytes=1000)
    with pytest.raises(EvidenceTooLarge, match="limit of 1000 bytes"):
        store.put(io.BytesIO(b"x" * 1001))
    assert not any(p.is_file() for p in settings.DRACHMA_EVIDENCE_ROOT.rglob("*"))


def test_store_refuses_empty():
    with pytest.raises(EvidenceEmpty):
        EvidenceStore().put(io.BytesIO(b""))


@pytest.mark.django_db
def test_receive_file_makes_exhibit_with_received_custody_event():
    item = receive_file(
        io.BytesIO(b"hello"),
        original_filename="chat.txt",
        received_from_type="public",
        via="the reporting page",
        by_description="reporting page",
    )
    assert item.exhibit_ref.startswith("EX-")
    assert item.sha256 == hashlib.sha256(b"hello").hexdigest()
    event = CustodyEvent.objects.get(item=item)
    assert event.transition == "received" and event.sha256_verified == item.sha256
    again = receive_file(
        io.BytesIO(b"hello"), original_filename="copy.txt", received_from_type="group", via="upload"
    )
    assert again.stored_file_id == item.stored_file_id and StoredFile.objects.count() == 1


@pytest.mark.django_db
def test_receive_file_oversize_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        receive_file(
            io.BytesIO(b"x" * 11),
            original_filename="big.bin",
            received_from_type="public",
            via="upload",
            max_bytes=10,
        )
    assert "file" in exc.value.message_dict
    assert EvidenceItem.objects.count() == 0 and StoredFile.objects.count() == 0


@pytest.mark.django_db
def test_verify_evidence_detects_changed_and_missing_files(settings):
    a = receive_file(
        io.BytesIO(b"first"), original_filename="a", received_from_type="officer", via="upload"
    )
    b = receive_file(
        io.BytesIO(b"second"), original_filename="b", received_from_type="officer", via="upload"
    )
    call_command("verify_evidence", stdout=io.StringIO())
    path_a = settings.DRACHMA_EVIDENCE_ROOT / blob_name(a.sha256)
    path_a.chmod(0o640)
    path_a.write_bytes(b"tampered")
    (settings.DRACHMA_EVIDENCE_ROOT / blob_name(b.sha256)).unlink()
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 of 2"):
        call_command("verify_evidence", stdout=out)
    assert f"CHANGED  {a.sha256}" in out.getvalue() and a.exhibit_ref in out.getvalue()
    assert f"MISSING  {b.sha256}" in out.getvalue()
