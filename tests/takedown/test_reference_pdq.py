"""PDQ for exchange computed as the reference implementations compute it: the pixels as the file
stores them, EXIF orientation not applied. Drachma's own hash is of the picture as displayed;
for a photo stored sideways the two are far apart, and both still match through the dihedral
hashes of the query."""

import io

import numpy as np
import pdqhash
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from drachma.takedown import hashing, hashlists, selectors, services
from drachma.takedown.matcher import hamming
from drachma.takedown.models import ContentItem, MediaHash, SignalMatch
from tests.takedown import media_factory as mf

ROTATED_90 = 6  # EXIF: display turned 90° clockwise from how the pixels are stored


def sideways_jpeg(seed: int = 11, orientation: int = ROTATED_90) -> bytes:
    """A phone's photo: landscape pixels with a flag saying show it turned."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return mf.encode(mf.photo(seed), "JPEG", quality=92, exif=exif.tobytes())


def reference_cpp_style(data: bytes) -> str:
    """What Meta's pdq-photo-hasher and python-threatexchange's PdqSignal give: pdqhash over the
    decoded pixels, no orientation applied."""
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    bits, _ = pdqhash.compute(pixels)
    return np.packbits(bits).tobytes().hex()


def test_the_reference_hash_ignores_the_orientation_flag_and_the_displayed_one_does_not():
    data = sideways_jpeg()
    reference = hashing.hash_image_reference(data)
    shown = hashing.hash_image(data)
    assert reference.pdq == reference_cpp_style(data)
    assert hamming(reference.pdq, shown.pdq) >= 100  # 128 or so: another picture to PDQ
    assert hashing.exif_orientation(data) == ROTATED_90
    # Without a flag the two are the same hash.
    plain = mf.encode(mf.photo(11), "JPEG", quality=92)
    assert hashing.hash_image_reference(plain) == hashing.hash_image(plain)
    assert hashing.exif_orientation(plain) == 1


def test_one_of_the_displayed_pictures_dihedral_hashes_is_near_the_reference():
    data = sideways_jpeg()
    reference = hashing.hash_image_reference(data).pdq
    distances = [hamming(h.pdq, reference) for h in hashing.hash_image_dihedral(data)]
    assert min(distances) <= 31 and distances[0] >= 100


@pytest.mark.django_db
def test_a_capture_keeps_both_hashes_and_the_export_gives_the_reference(make_item):
    data = sideways_jpeg()
    item = make_item(file=SimpleUploadedFile("phone.jpg", data, "image/jpeg"))
    row = MediaHash.objects.get(capture__content_item=item)
    assert row.orientation == ROTATED_90
    assert row.reference_hash == reference_cpp_style(data)
    assert row.hash == hashing.hash_image(data).pdq != row.reference_hash
    signals = selectors.bank_signals(services.default_bank())
    assert [(s.signal_type, s.value) for s in signals if s.signal_type == "pdq"] == [
        ("pdq", row.reference_hash)
    ]


@pytest.mark.django_db
def test_an_older_capture_without_a_reference_hash_gets_it_from_the_stored_file(make_item):
    data = sideways_jpeg(seed=12)
    item = make_item(file=SimpleUploadedFile("phone.jpg", data, "image/jpeg"))
    MediaHash.objects.filter(capture__content_item=item).update(reference_hash="")
    pdq = [s for s in selectors.bank_signals(services.default_bank()) if s.signal_type == "pdq"]
    assert [s.value for s in pdq] == [reference_cpp_style(data)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "copy",
    ["same_file", "turned_for_real", "flag_removed"],
)
def test_a_reference_hash_from_another_system_matches_every_orientation(
    copy, make_item, investigator
):
    data = sideways_jpeg()
    # Another force's HMA holds the reference hash of the photo.
    exchanged = f"pdq {reference_cpp_style(data)}\n".encode()
    services.import_hash_list(
        exchanged, user=investigator, file_name="te.txt", source="Partner", bank_name="Partner"
    )
    shown = Image.open(io.BytesIO(data))
    if copy == "same_file":
        upload = data
    elif copy == "turned_for_real":  # a platform re-encodes it upright, without the flag
        from PIL import ImageOps

        upload = mf.encode(ImageOps.exif_transpose(shown).convert("RGB"), "JPEG", quality=85)
    else:  # the flag stripped: shown as stored, which is what the reference hashed
        upload = mf.encode(shown.convert("RGB"), "JPEG", quality=85)
    item = make_item(file=SimpleUploadedFile("copy.jpg", upload, "image/jpeg"))
    hit = SignalMatch.objects.get(capture__content_item=item)
    assert hit.kind == "image" and hit.distance <= 31
    assert hit.signal.bank.source == "Partner"
    if copy == "flag_removed":
        assert hit.transform == ""
    else:
        assert hit.transform  # found through a turn of the displayed picture


@pytest.mark.django_db
def test_exchange_round_trip_of_a_sideways_photo(make_item, investigator):
    data = sideways_jpeg(seed=15)
    make_item(file=SimpleUploadedFile("phone.jpg", data, "image/jpeg"))
    exported = hashlists.write(
        selectors.bank_signals(services.default_bank()), format="hma", bank_name="own"
    )
    ContentItem.objects.all().delete()
    services.import_hash_list(
        exported, user=investigator, file_name="b.json", source="Drachma", bank_name="In"
    )
    item = make_item(file=SimpleUploadedFile("phone.jpg", data, "image/jpeg"))
    kinds = sorted(
        (m.signal.signal_type, m.kind)
        for m in SignalMatch.objects.filter(capture__content_item=item)
    )
    assert kinds == [("pdq", "image"), ("photo_md5", "exact")]
