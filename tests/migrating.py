"""Moving the test database between migration states, for tests of data migrations.

Use in a ``django_db(transaction=True)`` test: the flush at its end, and the post_migrate
handlers after it, leave the database as every other test expects it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The leaf migrations of the apps involved before the group register and the publication log
# moved (main before the layers work).
BEFORE_THE_MOVES = [
    ("groups", None),  # not there yet
    ("intelligence", "0001_initial"),
    ("incidents", "0002_initial"),
    ("intake", "0001_initial"),
    ("takedown", "0003_dispose_with_item"),
    ("evidence", "0004_exhibit_chat_parse_problem"),
]


def migrate_to(targets):
    """Migrate to ``targets`` and answer the historical apps there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    # The state at the named migrations: an app migrated to zero (None) is simply not in it.
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
