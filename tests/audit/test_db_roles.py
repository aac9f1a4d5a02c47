"""The application's PostgreSQL role: made by ``create_db_roles`` in the test database, it owns
nothing, may only read and add to the audit log, cannot switch the triggers off, and still
does all of the application's work (an audited write, sealing, verify_audit) as that role."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from drachma.audit.dbroles import app_role_to_restrict, forbidden_privileges, restrict_audit_tables
from drachma.audit.models import AuditEntry, AuditSeal
from drachma.audit.services import append
from drachma.groups.models import Group

ROOT = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)


@pytest.fixture
def roles(transactional_db):
    """An owner and an application role for this test database only (roles are shared by the
    whole server, so their names carry the database's), dropped afterwards."""
    suffix = re.sub(r"[^a-z0-9_]", "_", connection.settings_dict["NAME"].lower())[-40:]
    owner, app = f"dr_owner_{suffix}", f"dr_app_{suffix}"
    out = StringIO()
    call_command("create_db_roles", owner=owner, app=app, stdout=out)
    yield SimpleNamespace(owner=owner, app=app, output=out.getvalue())
    with connection.cursor() as cursor:
        cursor.execute(f"REASSIGN OWNED BY {owner} TO current_user")
        for role in (owner, app):
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def connect_as(role: str) -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        dbname=params["NAME"],
        user=role,
        autocommit=True,
    )


ATTEMPTS = [
    "UPDATE audit_auditentry SET object_repr = 'forged' WHERE seq = {seq}",
    "DELETE FROM audit_auditentry WHERE seq = {seq}",
    "TRUNCATE audit_auditentry CASCADE",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_entry_append_only ON audit_auditentry",
    "UPDATE audit_auditseal SET chain_hash = 'forged' WHERE entry_seq = {seq}",
    "DELETE FROM audit_auditseal WHERE entry_seq = {seq}",
    "TRUNCATE audit_auditseal",
    "ALTER TABLE audit_auditseal DISABLE TRIGGER audit_seal_append_only",
    "DROP TRIGGER audit_seal_append_only ON audit_auditseal",
    "TRUNCATE audit_auditpending",
    "CREATE OR REPLACE FUNCTION drachma_audit_append_only() RETURNS trigger "
    "AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
    "SET session_replication_role = replica",  # would silence every trigger
    "ALTER TABLE audit_auditentry DROP CONSTRAINT audit_auditentry_entry_hash_key",
    "DROP TABLE audit_auditseal",
    "CREATE TABLE audit_shadow (id int)",
]


@on_postgresql
def test_the_application_role_cannot_change_the_log_or_switch_its_triggers_off(roles):
    entry = append("decision", model="test.thing", object_id="kept")  # committed and sealed
    assert AuditSeal.objects.filter(entry=entry).exists()
    allowed = []
    with connect_as(roles.app) as app:
        for attempt in ATTEMPTS:
            statement = attempt.format(seq=entry.seq)
            try:
                app.execute(statement)
            except psycopg.errors.InsufficientPrivilege:
                continue
            allowed.append(statement)
        # What it needs: read the log and add to it.
        assert app.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] >= 1
    assert allowed == []
    entry.refresh_from_db()
    assert entry.object_repr == "" and AuditSeal.objects.get(entry=entry).chain_hash != "forged"
    with connection.cursor() as cursor:
        assert forbidden_privileges(cursor, roles.app) == []
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditentry'")
        assert cursor.fetchone()[0] == roles.owner


@on_postgresql
def test_the_application_role_does_its_work(roles, tmp_path):
    """An audited write, its sealing after commit and verify_audit, in a process connected
    as the application's role."""
    params = connection.settings_dict
    url = f"postgres://{roles.app}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    script = (
        "from django.core.management import call_command\n"
        "from drachma.groups.services import save_group\n"
        "save_group(name='Written by the app role', status='active')\n"
        "call_command('verify_audit')\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DRACHMA_", "DATABASE_"))}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={
            **base,
            "DRACHMA_ENV": "development",
            "DATABASE_URL": f"{url}/{params['NAME']}",
            "DRACHMA_VAR_DIR": str(tmp_path),
            "DRACHMA_AUDIT_KEY_FILE": settings.DRACHMA_AUDIT_KEY_FILE,
            "DRACHMA_AUDIT_KEY": settings.DRACHMA_AUDIT_KEY,
            "DRACHMA_AUDIT_ANCHOR_PATH": str(tmp_path / "anchors.log"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Audit chain intact" in done.stdout and "is anchored" in done.stdout
    group = Group.objects.get(name="Written by the app role")
    entry = AuditEntry.objects.get(model="groups.group", object_id=str(group.pk))
    assert AuditSeal.objects.filter(entry=entry).exists()
    assert (tmp_path / "anchors.log").read_text().count("\n") == 1


@on_postgresql
def test_create_db_roles_can_run_again_and_takes_back_what_a_migration_gave(roles):
    with connection.cursor() as cursor:
        # What the owner's default privileges give a table a new migration makes.
        cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE, TRIGGER ON audit_auditseal TO {roles.app}")
        assert forbidden_privileges(cursor, roles.app) == [
            "UPDATE on audit_auditseal",
            "DELETE on audit_auditseal",
            "TRUNCATE on audit_auditseal",
            "TRIGGER on audit_auditseal",
        ]
        restrict_audit_tables(cursor, roles.app)  # what post_migrate does as the owner
        assert forbidden_privileges(cursor, roles.app) == []
    out = StringIO()
    call_command("create_db_roles", owner=roles.owner, app=roles.app, stdout=out)
    assert "created role" not in out.getvalue() and "Roles ready" in out.getvalue()
    assert "created role" in roles.output


def test_migrations_as_the_owner_restrict_the_application_role_only(settings):
    def connection_as(user, vendor="postgresql"):
        return SimpleNamespace(vendor=vendor, settings_dict={"USER": user})

    settings.DRACHMA_DB_APP_ROLE = "drachma_app"  # DATABASE_URL's user, beside the owner's URL
    assert app_role_to_restrict(connection_as("drachma_owner")) == "drachma_app"
    assert app_role_to_restrict(connection_as("drachma_app")) is None
    assert app_role_to_restrict(connection_as("", vendor="sqlite")) is None
    settings.DRACHMA_DB_APP_ROLE = ""  # no DATABASE_OWNER_URL: one role, nothing to restrict
    assert app_role_to_restrict(connection_as("postgres")) is None


@pytest.mark.parametrize(
    "options, message",
    [
        ({"owner": "Robert'); DROP TABLE", "app": "drachma_app"}, "--owner"),
        ({"owner": "drachma_owner", "app": "1app"}, "--app '1app' is not a role name"),
        ({"owner": "same_role", "app": "same_role"}, "must be different roles"),
    ],
)
def test_create_db_roles_refuses_bad_role_names(options, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("create_db_roles", **options)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
def test_create_db_roles_says_sqlite_has_no_roles(db):
    with pytest.raises(CommandError, match="create_db_roles is for PostgreSQL"):
        call_command("create_db_roles")
