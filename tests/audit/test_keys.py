"""The chain's key: from the environment or a key file, never the database; refused when
missing or weak, with a message naming what to set; rotated without losing the past."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from drachma.audit import keys
from drachma.audit.keys import MIN_KEY_CHARS, keyring
from drachma.audit.models import AuditEntry
from drachma.audit.services import append, seal_pending, verify
from drachma.groups.services import save_group

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_key(settings):
    settings.DRACHMA_AUDIT_KEY = ""
    settings.DRACHMA_AUDIT_KEY_FILE = ""
    settings.DRACHMA_AUDIT_GENERATE_KEY = False
    return settings


def test_without_a_key_nothing_is_written(no_key, db):
    with pytest.raises(ImproperlyConfigured) as refused:
        keyring()
    assert "set DRACHMA_AUDIT_KEY or DRACHMA_AUDIT_KEY_FILE" in str(refused.value)
    count = AuditEntry.objects.count()
    with pytest.raises(ImproperlyConfigured):
        save_group(name="Unrecorded", status="active")  # an audited write
    assert AuditEntry.objects.count() == count
    from drachma.groups.models import Group

    assert not Group.objects.filter(name="Unrecorded").exists()  # nothing half-written


def test_a_short_key_is_refused_with_its_length(no_key):
    no_key.DRACHMA_AUDIT_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured) as refused:
        keyring()
    assert str(refused.value).startswith(
        f"The audit key in DRACHMA_AUDIT_KEY is 9 characters long; it needs at least "
        f"{MIN_KEY_CHARS}"
    )


def test_a_missing_or_empty_key_file_is_named(no_key, tmp_path):
    no_key.DRACHMA_AUDIT_KEY_FILE = str(tmp_path / "nowhere.key")
    with pytest.raises(ImproperlyConfigured, match=r"nowhere\.key cannot be read"):
        keyring()
    empty = tmp_path / "empty.key"
    empty.write_text("# no key yet\n\n")
    no_key.DRACHMA_AUDIT_KEY_FILE = str(empty)
    with pytest.raises(ImproperlyConfigured, match=r"empty\.key holds no key"):
        keyring()
    weak = tmp_path / "weak.key"
    weak.write_text("x" * 40 + "\nshort\n")
    no_key.DRACHMA_AUDIT_KEY_FILE = str(weak)
    with pytest.raises(ImproperlyConfigured, match=r"in line 2 of .*weak\.key is 5 characters"):
        keyring()


def test_development_generates_a_private_key_file_once(no_key, tmp_path):
    path = tmp_path / "var" / "audit.key"
    no_key.DRACHMA_AUDIT_KEY_FILE = str(path)
    no_key.DRACHMA_AUDIT_GENERATE_KEY = True
    first = keyring().current
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().strip()) == 64
    assert "secret" not in repr(first) and path.read_text().strip() not in repr(first)
    keys._load.cache_clear()  # as a new process would: it reads the same file
    assert keyring().current == first
    assert list(path.parent.iterdir()) == [path]  # no partial files left behind


def test_a_rotated_key_keeps_what_the_old_key_sealed_verifiable(settings, tmp_path, db):
    old = keyring().current
    append("decision", model="test.thing", object_id="before")
    seal_pending()
    rotated_file = tmp_path / "keys"
    new_text = "n" * 48
    rotated_file.write_text(f"{old.secret.decode()}\n# rotated\n{new_text}\n")
    settings.DRACHMA_AUDIT_KEY = ""
    settings.DRACHMA_AUDIT_KEY_FILE = str(rotated_file)
    rotated = keyring()
    assert rotated.current.id != old.id and rotated.get(old.id) is not None
    after = append("decision", model="test.thing", object_id="after")
    seal_pending()
    after.refresh_from_db()
    assert (after.key_id, after.seal.key_id) == (rotated.current.id, rotated.current.id)
    report = verify()
    assert report.intact and report.sealed == AuditEntry.objects.count()
    # Dropping the retired key leaves what it sealed unverifiable, and verify says so.
    settings.DRACHMA_AUDIT_KEY_FILE = ""
    settings.DRACHMA_AUDIT_KEY = new_text
    problem = verify().problem
    assert problem.position == 1
    assert problem.reason == f"hashed with a key this installation does not hold ({old.id})"


PRODUCTION_SECRETS = {
    "DRACHMA_SECRET_KEY": "s" * 64,
    "DRACHMA_ADDRESS_KEY": "a" * 64,
    "DRACHMA_ALLOWED_HOSTS": "drachma.example",
}


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DRACHMA_", "DATABASE_", "DJANGO_SETTINGS"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        # Production (the default) with its other secrets set, so that the audit key is what
        # is missing.
        env={**base, "DRACHMA_VAR_DIR": str(tmp_path), **PRODUCTION_SECRETS, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_key_and_starts_with_one(tmp_path):
    refused = _check(tmp_path)
    assert refused.returncode != 0
    assert "The audit log needs a key the database cannot read" in refused.stderr
    assert not (tmp_path / "audit.key").exists()  # production never makes one up
    key_file = tmp_path / "keys" / "audit.key"
    key_file.parent.mkdir()
    key_file.write_text("k" * 64 + "\n")
    started = _check(tmp_path, DRACHMA_AUDIT_KEY_FILE=str(key_file))
    assert started.returncode == 0, started.stderr
