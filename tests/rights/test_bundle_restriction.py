"""The prosecutor's bundle honours a restriction: the restricted exhibit is left out and the
README names it (docs/rights.md)."""

import zipfile

import pytest

from drachma.core import restrictions
from drachma.evidence.bundle import write_bundle
from tests.evidence.factories import build_incident_evidence


@pytest.mark.django_db
def test_a_restricted_exhibit_is_left_out_of_the_bundle(make_user, tmp_path):
    user = make_user("investigator")
    incident, things = build_incident_evidence(user)
    shot, chat = things["shot"], things["chat"]
    restrictions.restrict(shot, reason="Evidence kept, not used (s.47(2)(b)).", user=user)
    out = tmp_path / "bundle.zip"
    write_bundle(incident, out, user=user)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        readme = zf.read("README.txt").decode()
    assert not any(shot.exhibit_ref in name for name in names)
    assert any(name.startswith(f"exhibits/{chat.exhibit_ref}") for name in names)
    assert f"Left out: {shot.exhibit_ref}" in readme and "s.47(2)" in readme
