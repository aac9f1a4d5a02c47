import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg import sql

from drachma.audit.dbroles import forbidden_privileges, setup_roles

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Command(BaseCommand):
    help = (
        "PostgreSQL: create (or bring back in line) the owner role that migrations run as and "
        "the application's role, which owns nothing and may only read and add to the audit "
        "log. Run it as a superuser; it can be run again at any time. Passwords, if any, come "
        "from DRACHMA_DB_OWNER_PASSWORD and DRACHMA_DB_APP_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="drachma_owner", help="The tables' owner role.")
        parser.add_argument("--app", default="drachma_app", help="The application's role.")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The connection to run as (a superuser's); its database is the one set up.",
        )

    def handle(self, *args, owner, app, database, **options):
        for option, name in (("--owner", owner), ("--app", app)):
            if not ROLE_NAME.fullmatch(name):
                raise CommandError(
                    f"{option} {name!r} is not a role name this command makes: lower-case "
                    "letters, digits and underscores, not starting with a digit."
                )
        if owner == app:
            raise CommandError("--owner and --app must be different roles.")
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"create_db_roles is for PostgreSQL; the {database!r} database is "
                f"{connection.vendor} (what holds there instead: docs/audit.md)."
            )
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                raise CommandError("create_db_roles must run as a PostgreSQL superuser.")
            done = setup_roles(
                cursor, owner=owner, app=app, database=connection.settings_dict["NAME"]
            )
            passwords = ((owner, "DRACHMA_DB_OWNER_PASSWORD"), (app, "DRACHMA_DB_APP_PASSWORD"))
            for role, variable in passwords:
                password = os.environ.get(variable)
                if password:
                    cursor.execute(
                        sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                            sql.Identifier(role), sql.Literal(password)
                        )
                    )
                    done.append(f"password of {role} set from {variable}")
            left = forbidden_privileges(cursor, app)
            if left:
                raise CommandError(f"{app} could still change the audit log: {', '.join(left)}.")
        for line in done:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Roles ready: run the application as {app} (DATABASE_URL); migrate as "
                f"{owner} (the same DATABASE_URL, and DATABASE_OWNER_URL for {owner})."
            )
        )
