"""PostgreSQL roles: the tables belong to an owner role that only migrations use; the web and
worker processes connect as an application role that owns nothing, so it can neither switch
the audit log's triggers off nor change its tables, and on the audit tables it may only read and
add (docs/audit.md, "Database roles")."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from psycopg import sql

# What the application's role may do to each audit table: read and add; the sealer's queue
# also loses its rows as they are sealed. Never UPDATE, DELETE (of the log), TRUNCATE,
# REFERENCES or TRIGGER.
AUDIT_TABLE_GRANTS = {
    "audit_auditentry": ("SELECT", "INSERT"),
    "audit_auditseal": ("SELECT", "INSERT"),
    "audit_auditpending": ("SELECT", "INSERT", "DELETE"),
}
APP_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
FORBIDDEN_ON_LOG = ("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def _privileges(names) -> sql.Composable:
    return sql.SQL(", ").join(sql.SQL(name) for name in names)


def existing_audit_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
        "AND c.relkind IN ('r', 'p') AND c.relname = ANY(%s)",
        [list(AUDIT_TABLE_GRANTS)],
    )
    return sorted(row[0] for row in cursor.fetchall())


def restrict_audit_tables(cursor, app_role: str) -> list[str]:
    """Take from ``app_role`` everything on the audit tables but what it needs. Idempotent.
    Returns the tables it restricted (those that exist yet)."""
    tables = existing_audit_tables(cursor)
    for table in tables:
        ident = sql.Identifier(table)
        role = sql.Identifier(app_role)
        cursor.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}").format(ident, role))
        cursor.execute(
            sql.SQL("GRANT {} ON TABLE {} TO {}").format(
                _privileges(AUDIT_TABLE_GRANTS[table]), ident, role
            )
        )
    return tables


def app_role_to_restrict(connection) -> str | None:
    """The application's role, when this process runs as another (the owner, in the migration
    job that has DATABASE_OWNER_URL); otherwise None (one role for everything, as in
    development: there is nothing to take away from the owner itself)."""
    if connection.vendor != "postgresql":
        return None
    app_role = getattr(settings, "DRACHMA_DB_APP_ROLE", "") or ""
    if not app_role or app_role == connection.settings_dict.get("USER"):
        return None
    return app_role


def restrict_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: the audit tables a migration (re)made get the application's limits back."""
    from django.db import connections

    connection = connections[using]
    app_role = app_role_to_restrict(connection)
    if app_role is not None:
        with connection.cursor() as cursor:
            restrict_audit_tables(cursor, app_role)


def setup_roles(cursor, *, owner: str, app: str, database: str) -> list[str]:
    """Create (if missing) and configure both roles for ``database``. Idempotent. Returns what
    it did, line by line, for the command to print."""
    done = []
    role_o, role_a, db = sql.Identifier(owner), sql.Identifier(app), sql.Identifier(database)
    for name, ident in ((owner, role_o), (app, role_a)):
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
            done.append(f"created role {name}")
    # The application's role may hold no power beyond its grants.
    cursor.execute(
        sql.SQL(
            "ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        ).format(role_a)
    )
    cursor.execute(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
        [app],
    )
    for (granted,) in cursor.fetchall():
        cursor.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(granted), role_a))
        done.append(f"{app} is no longer a member of {granted}")
    # The owner owns the database, its schema's tables and the trigger function.
    cursor.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(db, role_o))
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
        "AND c.relkind IN ('r', 'p') AND pg_get_userbyid(c.relowner) <> %s",
        [owner],
    )
    tables = [row[0] for row in cursor.fetchall()]
    for table in tables:
        cursor.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), role_o))
    if tables:
        done.append(f"{len(tables)} tables now owned by {owner}")
    cursor.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace = 'public'::regnamespace AND pg_get_userbyid(p.proowner) <> %s",
        [owner],
    )
    for (function,) in cursor.fetchall():
        cursor.execute(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(function), role_o))
    # Only the owner creates in the schema; the application uses it.
    cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role_a))
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role_a))
    # Everything else the application reads and writes as it always has, tables made later
    # by the owner's migrations included.
    table_privileges = _privileges(APP_TABLE_PRIVILEGES)
    cursor.execute(
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA public TO {}").format(table_privileges, role_a)
    )
    cursor.execute(
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role_a)
    )
    cursor.execute(
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT {} ON TABLES TO {}"
        ).format(role_o, table_privileges, role_a)
    )
    cursor.execute(
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(role_o, role_a)
    )
    restricted = restrict_audit_tables(cursor, app)
    done.append(
        f"{app}: read and write on the application's tables; on "
        f"{', '.join(restricted) or 'the audit tables (once migrated)'}: "
        "read and add only"
    )
    return done


def forbidden_privileges(cursor, app: str) -> list[str]:
    """What ``app`` could still do to the audit log that it must not (empty when set up)."""
    found = []
    for table in existing_audit_tables(cursor):
        for privilege in FORBIDDEN_ON_LOG:
            if table == "audit_auditpending" and privilege == "DELETE":
                continue
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app, table, privilege])
            if cursor.fetchone()[0]:
                found.append(f"{privilege} on {table}")
        cursor.execute(
            "SELECT pg_has_role(%s, c.relowner, 'USAGE') FROM pg_class c "
            "WHERE c.relname = %s AND c.relnamespace = 'public'::regnamespace",
            [app, table],
        )
        if cursor.fetchone()[0]:
            found.append(f"ownership of {table}")
    cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", [app])
    row = cursor.fetchone()
    if row and row[0]:
        found.append("superuser or BYPASSRLS")
    return found
