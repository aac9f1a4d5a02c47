"""What a group did, told by the apps that record it: first and last seen, and the timeline.

The register sits below the apps that record a group's activity (incidents, intelligence),
so it cannot ask them; they tell it. An app contributes by defining ``ACTIVITY`` (a
``GroupActivity``) in its ``group_activity.py``; ``contributions()`` collects them in app
order through ``drachma.core.registry``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

from drachma.core.registry import app_hooks

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class GroupActivity(Generic[M]):
    kind: str  # the timeline item's kind, e.g. "incident"
    records: Callable[[], QuerySet[M]]  # the app's records, for the timeline
    link: str  # lookup from a record to its group(s), e.g. "groups"
    when: str  # the record's date field: first and last seen come from it
    item_template: str  # one timeline item on the group page (context: ``object``)
    summary: Callable[[M], str]  # one line about a record, for the API's timeline
    # Who sees these records in a group's timeline ("": whoever may see the group).
    permission: str = ""
    # A link on the group page to record another: (label, URL name, permission); the URL
    # gets ``?group=<id>``.
    add: tuple[str, str, str] | None = None


def contributions() -> list[GroupActivity[Any]]:
    return app_hooks("group_activity", "ACTIVITY")
