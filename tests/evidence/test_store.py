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
    with pytest.raises(CommandError, match="2 problems in 2"):
        call_command("verify_evidence", stdout=out)
    assert f"CHANGED  {a.sha256}" in out.getvalue() and a.exhibit_ref in out.getvalue()
    assert f"MISSING  {b.sha256}" in out.getvalue()


@pytest.mark.django_db
def test_an_upload_whose_database_write_failed_is_found_and_removed(settings, monkeypatch):
    from django.db import DatabaseError, transaction

    kept = receive_file(
        io.BytesIO(b"kept"), original_filename="k", received_from_type="officer", via="upload"
    )

    # The bytes reach the store first; then the database write fails and rolls back.
    def broken_save(self, *args, **kwargs):
        raise DatabaseError("database unavailable")

    monkeypatch.setattr(EvidenceItem, "save", broken_save)
    with pytest.raises(DatabaseError), transaction.atomic():
        receive_file(
            io.BytesIO(b"lost upload"),
            original_filename="lost",
            received_from_type="officer",
            via="upload",
        )
    monkeypatch.undo()
    lost = hashlib.sha256(b"lost upload").hexdigest()
    assert not StoredFile.objects.filter(sha256=lost).exists()
    assert (settings.DRACHMA_EVIDENCE_ROOT / blob_name(lost)).exists()

    # Found and reported, not removed while it may still be an upload in progress...
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problems in 1"):
        call_command("verify_evidence", "--remove-unrecorded", stdout=out)
    assert (
        f"UNRECORDED  {lost}" in out.getvalue() and "perhaps still being recorded" in out.getvalue()
    )
    assert (settings.DRACHMA_EVIDENCE_ROOT / blob_name(lost)).exists()

    # ...and removed once older than the grace period; the recorded file stays.
    out = io.StringIO()
    call_command("verify_evidence", "--remove-unrecorded", "--grace-minutes", "0", stdout=out)
    assert f"REMOVED  {lost}" in out.getvalue() and "1 unrecorded files removed" in out.getvalue()
    assert not (settings.DRACHMA_EVIDENCE_ROOT / blob_name(lost)).exists()
    assert (settings.DRACHMA_EVIDENCE_ROOT / blob_name(kept.sha256)).exists()
    call_command("verify_evidence", stdout=io.StringIO())  # clean now


def test_verify_evidence_refuses_a_negative_grace_period():
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("verify_evidence", "--grace-minutes", "-1")


def test_the_store_lists_and_removes_blobs_in_an_s3_bucket(monkeypatch):
    # The same walk over the bucket that production uses (django-storages' S3 backend), against
    # moto's in-process S3.
    import boto3
    from moto import mock_aws
    from storages.backends.s3 import S3Storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    with mock_aws():
        boto3.client("s3", region_name="eu-west-2").create_bucket(
            Bucket="evidence-test",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )
        store = EvidenceStore(
            storage=S3Storage(
                bucket_name="evidence-test",
                location="evidence",
                file_overwrite=False,
                region_name="eu-west-2",
            )
        )
        a = store.put(io.BytesIO(b"first")).sha256
        b = store.put(io.BytesIO(b"second")).sha256
        assert sorted(store.hashes()) == sorted([a, b])
        store.remove(a)
        assert list(store.hashes()) == [b] and store.rehash(b) == b
