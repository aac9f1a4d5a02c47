"""Hash lists in and out: HMA bank content, ThreatExchange's dataset CSV and signal file, plain
CSV. Each format read as the tool that writes it writes it; a wrong or mixed file refused naming
every bad row with nothing imported; a bank exported, imported into an emptied database, and the
same captures matching; an imported bank matched by the force's own rules."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from drachma.takedown import hashlists, selectors, services
from drachma.takedown.models import (
    BankSignal,
    BankSignalHash,
    ContentItem,
    HashListImport,
    MatchBank,
    SignalMatch,
    SignalMatchable,
)
from tests.takedown import media_factory as mf

PDQ_A = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
PDQ_B = "0" * 63 + "1"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
FRAMES = [f"{PDQ_A},100,0.000", f"{PDQ_B},72,1.000"]

# As each tool writes it (see hashlists' docstring for where each shape comes from).
HMA = json.dumps(
    {
        "bank": {"name": "PARTNER_BANK", "matching_enabled_ratio": 1.0},
        "content": [
            {
                "id": 1234,
                "disable_until_ts": 0,
                "original_media_uri": None,
                "signals": {"pdq": PDQ_A, "video_md5": MD5},
                "metadata": {"content_id": "case-9/1", "content_uri": None},
                "note": "seen on two platforms",
            },
            {"id": 1235, "signals": {"vpdq": json.dumps(FRAMES)}},
        ],
    }
).encode()
TE_CSV = (
    "collab,signal_type,signal_str,category,tags\n"
    f"Sample Data,pdq,{PDQ_A},POSITIVE_CLASS,media_type_photo\n"
    f"Sample Data,video_md5,{MD5},POSITIVE_CLASS,\n"
).encode()
TE_FILE = f"pdq {PDQ_A}\nvideo_md5 {MD5}\n\n".encode()
PLAIN = f"signal_type,signal,content_id,note\npdq,{PDQ_A.upper()},x-1,first\n".encode()


@pytest.mark.parametrize(
    ("data", "fmt", "expected"),
    [
        (HMA, "hma", [("pdq", PDQ_A, "case-9/1"), ("video_md5", MD5, "case-9/1"), ("vpdq",)]),
        (TE_CSV, "te_csv", [("pdq", PDQ_A, ""), ("video_md5", MD5, "")]),
        (TE_FILE, "te_file", [("pdq", PDQ_A, ""), ("video_md5", MD5, "")]),
        (PLAIN, "csv", [("pdq", PDQ_A, "x-1")]),
        (f"HASH_PDQ {PDQ_A}\n".encode(), "te_file", [("pdq", PDQ_A, "")]),
        (b"\xef\xbb\xbf" + TE_FILE, "te_file", [("pdq", PDQ_A, ""), ("video_md5", MD5, "")]),
    ],
    ids=["hma", "te_csv", "te_file", "csv", "te_indicator_type", "byte_order_mark"],
)
def test_each_format_is_recognised_and_read(data, fmt, expected):
    found, signals = hashlists.read(data)
    assert found == fmt
    got = [(s.signal_type, s.value, s.content_id) for s in signals]
    assert [g[: len(e)] for g, e in zip(got, expected, strict=True)] == expected


def test_vpdq_frames_are_read_and_written_as_threatexchange_does():
    _, signals = hashlists.read(HMA)
    vpdq = signals[-1]
    assert [(f.pdq, f.quality, f.timestamp) for f in vpdq.frames] == [
        (PDQ_A, 100, 0.0),
        (PDQ_B, 72, 1.0),
    ]
    assert json.loads(vpdq.value) == FRAMES


def test_labels_keep_the_senders_category_and_tags():
    _, signals = hashlists.read(TE_CSV)
    assert signals[0].label == (
        "collab: Sample Data; category: POSITIVE_CLASS; tags: media_type_photo"
    )
    _, signals = hashlists.read(HMA)
    assert signals[0].label == "seen on two platforms"


@pytest.mark.parametrize(
    ("data", "fmt", "rows"),
    [
        (
            f"pdq {PDQ_A}\npdq,{PDQ_B}\nvideo_md5 1234\nsha1 {MD5}\n".encode(),
            "te_file",
            [
                "Line 2: expected 'signal_type signal'",
                "Line 3: a video_md5 signal is 32 hexadecimal digits, not '1234'.",
                "Line 4: the signal type 'sha1' is not one of pdq, vpdq, video_md5, photo_md5.",
            ],
        ),
        (
            "collab,signal_type,signal_str,category,tags\n"
            f"c,pdq,{PDQ_A},POSITIVE_CLASS,\n"
            f"pdq {PDQ_B}\n"
            f"c,pdq,{PDQ_A[:-1]},POSITIVE_CLASS,,extra\n".encode(),
            "te_csv",
            ["Line 3: it has 1 cells, the header 5.", "Line 4: it has 6 cells, the header 5."],
        ),
        (
            json.dumps(
                [
                    {"signals": {"pdq": PDQ_A}},
                    {"signals": {}},
                    {"signals": {"vpdq": json.dumps([f"{PDQ_A},101,0.0"])}},
                    "pdq " + PDQ_A,
                ]
            ).encode(),
            "hma",
            [
                "Content 2: has no 'signals'",
                "Content 3: vpdq frame 1's quality 101 is not 0 to 100.",
                "Content 4: is not a JSON object.",
            ],
        ),
    ],
    ids=["te_file_with_csv_rows", "te_csv_with_a_signal_file_row", "hma"],
)
def test_a_wrong_or_mixed_file_names_each_bad_row(data, fmt, rows):
    with pytest.raises(hashlists.HashListError) as e:
        hashlists.read(data)
    assert e.value.summary.startswith(f"Nothing was imported: {len(rows)} row(s)")
    assert len(e.value.problems) == len(rows)
    for problem, row in zip(e.value.problems, rows, strict=True):
        assert problem.startswith(row)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01pdq", "binary data"),
        ("pdq café".encode("latin-1"), "Line 1 is not UTF-8"),
        (b"<html>not a list</html>\n", "Tried: Hasher-Matcher-Actioner"),
        (b"{not json", "not valid JSON"),
    ],
)
def test_files_that_are_no_hash_list_are_refused_naming_why(data, why):
    with pytest.raises(hashlists.HashListError, match=why):
        hashlists.read(data)


@pytest.mark.django_db
def test_a_bad_file_imports_nothing_not_even_its_bank(investigator):
    data = f"pdq {PDQ_A}\npdq {PDQ_B}\npdq nothex\n".encode()
    with pytest.raises(ValidationError) as e:
        services.import_hash_list(
            data, user=investigator, file_name="x.txt", source="NCA", bank_name="NCA list"
        )
    messages = e.value.message_dict["file"]
    assert messages[0].startswith("Nothing was imported: 1 row(s)")
    assert messages[1] == "Line 3: a pdq signal is 64 hexadecimal digits, not 'nothex'."
    assert not MatchBank.objects.filter(name="NCA list").exists()
    assert (HashListImport.objects.count(), BankSignal.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_an_import_keeps_its_source_and_indexes_what_can_match(investigator):
    record = services.import_hash_list(
        HMA, user=investigator, file_name="bank.json", source="Partner force", bank_name="P"
    )
    bank = record.bank
    assert bank.source == "Partner force" and record.source == "Partner force"
    assert (record.format, record.signal_count, record.imported_by) == ("hma", 3, investigator)
    assert BankSignal.objects.filter(bank=bank).count() == 3
    # The picture's hash and both vPDQ frames (quality 100 and 72) are matchable.
    assert BankSignalHash.objects.count() == 3 and SignalMatchable.objects.count() == 3
    # A second list from elsewhere into the same bank keeps its own source.
    second = services.import_hash_list(
        TE_FILE, user=investigator, file_name="te.txt", source="ThreatExchange", bank_name="P"
    )
    assert second.source == "ThreatExchange" and bank.imports.count() == 2


@pytest.mark.django_db
def test_the_forces_own_bank_is_not_an_import_target(investigator):
    bank = services.default_bank()
    with pytest.raises(ValidationError, match="holds the force's own footage"):
        services.import_hash_list(
            TE_FILE, user=investigator, file_name="te.txt", source="X", bank_name=bank.name
        )
    with pytest.raises(ValidationError, match="Say who the hash list came from"):
        services.import_hash_list(
            TE_FILE, user=investigator, file_name="te.txt", source=" ", bank_name="Y"
        )


def _capture_files(make_item, tmp_path):
    still = mf.encode(mf.photo(11), "JPEG", quality=90)
    clip = mf.video(tmp_path / "clip.mp4", seed=5, seconds=6).read_bytes()
    image_item = make_item(file=SimpleUploadedFile("still.jpg", still, "image/jpeg"))
    video_item = make_item(file=SimpleUploadedFile("clip.mp4", clip, "video/mp4"))
    return still, clip, image_item, video_item


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["hma", "te_csv", "te_file", "csv"])
def test_round_trip_export_import_into_an_emptied_database_and_the_same_captures_match(
    fmt, make_item, investigator, tmp_path
):
    still, clip, image_item, video_item = _capture_files(make_item, tmp_path)
    own = services.default_bank()
    exported = hashlists.write(selectors.bank_signals(own), format=fmt, bank_name=own.name)
    refs = {image_item.reference, video_item.reference}

    # The other instance knows none of this footage: every content item, capture, hash and
    # match goes (the exhibits stay in evidence, which matching never reads).
    ContentItem.objects.all().delete()
    assert not own.items.exists()

    record = services.import_hash_list(
        exported, user=investigator, file_name=f"bank.{fmt}", source="Drachma", bank_name="In"
    )
    assert record.format == fmt and record.signal_count == 4
    # Captured again (the same files) they match the imported signals, by MD5 and by PDQ.
    again_image = make_item(file=SimpleUploadedFile("still.jpg", still, "image/jpeg"))
    again_video = make_item(file=SimpleUploadedFile("clip.mp4", clip, "video/mp4"))
    image_hits = SignalMatch.objects.filter(capture__content_item=again_image)
    video_hits = SignalMatch.objects.filter(capture__content_item=again_video)
    assert sorted((m.signal.signal_type, m.kind, m.distance) for m in image_hits) == [
        ("pdq", "image", 0),
        ("photo_md5", "exact", 0),
    ]
    assert sorted((m.signal.signal_type, m.kind) for m in video_hits) == [
        ("video_md5", "exact"),
        ("vpdq", "video"),
    ]
    assert all(m.frame_share == 1.0 for m in video_hits if m.kind == "video")
    if fmt in ("hma", "csv"):  # these carry the content id
        assert {m.signal.content_id.split("/")[0] for m in [*image_hits, *video_hits]} == refs


@pytest.mark.django_db
def test_an_imported_bank_is_held_to_its_own_distance(make_item, investigator):
    base = mf.photo(11)
    hashed = make_item(file=SimpleUploadedFile("a.png", mf.encode(base, "PNG"), "image/png"))
    exported = hashlists.write(
        selectors.bank_signals(services.default_bank()), format="te_file", bank_name="own"
    )
    ContentItem.objects.all().delete()
    services.import_hash_list(
        exported,
        user=investigator,
        file_name="l.txt",
        source="Partner",
        bank_name="Strict",
        match_distance=0,
    )
    # A re-upload: half size, JPEG (the altered_copy of other tests loses too much detail
    # here to be a query: quality under 50).
    copy = mf.encode(base.resize((480, 360)), "JPEG", quality=80)
    item = make_item(file=SimpleUploadedFile("b.jpg", copy, "image/jpeg"))
    assert not SignalMatch.objects.filter(capture__content_item=item).exists()
    MatchBank.objects.filter(name="Strict").update(match_distance=31)
    item = make_item(file=SimpleUploadedFile("c.jpg", copy, "image/jpeg"))
    hit = SignalMatch.objects.get(capture__content_item=item)
    assert hit.kind == "image" and 0 < hit.distance <= 31
    assert hashed.reference  # the first item was made


@pytest.mark.django_db
def test_the_commands_import_export_and_refuse_naming_rows(tmp_path, make_item, investigator):
    make_item(file=SimpleUploadedFile("a.png", mf.encode(mf.photo(31), "PNG"), "image/png"))
    out = tmp_path / "bank.json"
    call_command("export_hash_list", "--format", "hma", "--output", str(out))
    doc = json.loads(out.read_text())
    assert doc["bank"]["name"] == services.default_bank().name
    assert set(doc["content"][0]["signals"]) == {"pdq", "photo_md5"}
    from drachma.audit.models import AuditEntry

    exported = AuditEntry.objects.filter(changes__decision="export").get()
    assert exported.changes["format"] == "hma" and exported.changes["signals"] == 2

    listed = tmp_path / "list.txt"
    listed.write_text(f"pdq {PDQ_A}\n")
    stdout = io.StringIO()
    call_command("import_hash_list", str(listed), "--bank", "B", "--source", "NCA", stdout=stdout)
    assert "Imported 1 signals" in stdout.getvalue() and "from NCA into B" in stdout.getvalue()

    bad = tmp_path / "bad.txt"
    bad.write_text(f"pdq {PDQ_A}\npdq zz\n")
    with pytest.raises(CommandError, match=r"Line 2: a pdq signal is 64 hexadecimal digits"):
        call_command("import_hash_list", str(bad), "--bank", "C", "--source", "NCA")
    assert not MatchBank.objects.filter(name="C").exists()


@pytest.mark.django_db
def test_footage_cannot_be_put_in_an_imported_bank(make_item, investigator):
    record = services.import_hash_list(
        TE_FILE, user=investigator, file_name="te.txt", source="NCA", bank_name="NCA list"
    )
    with pytest.raises(ValidationError, match="NCA list is a hash list from NCA"):
        make_item(bank=record.bank)


@pytest.mark.django_db
def test_the_pages_show_a_banks_source_and_an_items_matches_in_imported_lists(
    client_as, make_item, investigator
):
    from django.urls import reverse

    data = mf.encode(mf.photo(11), "JPEG", quality=90)
    make_item(file=SimpleUploadedFile("a.jpg", data, "image/jpeg"))
    exported = hashlists.write(
        selectors.bank_signals(services.default_bank()), format="hma", bank_name="own"
    )
    ContentItem.objects.all().delete()
    services.import_hash_list(
        exported, user=investigator, file_name="b.json", source="Partner force", bank_name="P"
    )
    item = make_item(file=SimpleUploadedFile("b.jpg", data, "image/jpeg"))
    client = client_as("investigator")
    html = client.get(reverse("takedown:banks")).content.decode()
    assert "Hash list from Partner force: 2 signals, last imported" in html
    assert "The force&#x27;s own footage" in html or "The force's own footage" in html
    html = client.get(reverse("takedown:detail", args=[item.reference])).content.decode()
    assert "Matches in hash lists from elsewhere" in html
    assert "P, from Partner force" in html
    assert "MD5 (image file): the same file" in html and "PDQ (image): distance 0" in html


@pytest.mark.django_db
def test_import_and_export_on_the_banks_page(client_as, make_item):
    from django.urls import reverse

    make_item(file=SimpleUploadedFile("a.jpg", mf.encode(mf.photo(11), "JPEG"), "image/jpeg"))
    client = client_as("supervisor")
    own = services.default_bank()
    response = client.get(reverse("takedown:bank_export", args=[own.pk]) + "?format=te_csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.te_csv.csv"')
    assert response.content.decode().startswith("collab,signal_type,signal_str,category,tags\n")
    bad = client.get(reverse("takedown:bank_export", args=[own.pk]) + "?format=xml")
    assert bad.status_code == 400

    def upload(data: bytes, bank: str):
        return client.post(
            reverse("takedown:bank_import"),
            {
                "file": SimpleUploadedFile("list.txt", data, "text/plain"),
                "source": "NCA",
                "bank_name": bank,
                "format": "auto",
            },
            follow=True,
        ).content.decode()

    html = upload(f"pdq {PDQ_A}\npdq,{PDQ_B}\n".encode(), "Refused")
    assert "Nothing was imported: 1 row(s)" in html and "Line 2: expected" in html
    assert not MatchBank.objects.filter(name="Refused").exists()
    html = upload(response.content, "From NCA")
    assert "2 signals from NCA imported into From NCA." in html
    assert "Hash list from NCA: 2 signals" in html


@pytest.mark.django_db
def test_the_api_lists_each_banks_source(client_as, investigator):
    services.default_bank()
    services.import_hash_list(
        TE_FILE, user=investigator, file_name="te.txt", source="NCA", bank_name="NCA list"
    )
    banks = client_as("supervisor").get("/api/takedown/banks").json()
    assert {b["name"]: b["source"] for b in banks} == {
        services.default_bank().name: "",
        "NCA list": "NCA",
    }
