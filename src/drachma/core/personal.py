"""Personal data as a viewer may see it: masking, and the pages of a list actually shown.

Selectors that read personal data take a ``viewer`` (the user). They mask what the viewer's
role may not see and record the view in the audit log themselves, so that a page, the API and
an export of the same record behave the same. For a list, the selector cannot know which rows
will be shown (the page, the API's paginator and an export each cut it differently): it
returns a ``Listing``, and whoever cuts it calls ``listing.show(rows)`` on the rows it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def mask(obj: M, fields: Iterable[str]) -> M:
    """Hide ``fields`` of ``obj`` (set to None) and mark it, so that it cannot be saved."""
    hidden = frozenset(fields)
    if not hidden:
        return obj
    for name in hidden:
        setattr(obj, name, None)
    obj._masked_fields = frozenset(getattr(obj, "_masked_fields", frozenset())) | hidden  # type: ignore[attr-defined]
    return obj


@dataclass
class Listing(Generic[M]):
    """A selector's list of records holding personal data.

    ``queryset`` is everything that matched; ``show`` masks and records the rows a door
    actually shows, and returns them. ``core.paging.paginate`` (pages) and
    ``core.apitools.ListingPagination`` (the API) call it on the page they cut.
    """

    queryset: models.QuerySet[M]
    show: Callable[[Sequence[M]], list[M]]

    def shown(self, rows: Iterable[M]) -> list[M]:
        return self.show(list(rows))

    def all_shown(self) -> list[M]:
        """Every row, shown (an export)."""
        return self.shown(self.queryset)


def unrestricted(queryset: models.QuerySet[M]) -> Listing[M]:
    """A listing that shows rows as they are and records nothing: for lists holding no
    personal data, so that every list answers to the same paginator."""
    return Listing(queryset=queryset, show=lambda rows: list(rows))


def fields_hidden_from(viewer: Any, rules: Mapping[str, Sequence[str]]) -> list[str]:
    """The fields ``viewer`` may not see: ``rules`` maps a permission to the fields it opens."""
    return [name for perm, names in rules.items() if not viewer.has_perm(perm) for name in names]


# Personal fields of models that are not Drachma's own (a Drachma model marks its own with a
# ``personal_fields`` tuple). Every one is listed in docs/personal-data.md.
THIRD_PARTY_PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "auth.user": ("username", "first_name", "last_name", "email", "last_login"),
}


def personal_fields() -> dict[str, tuple[str, ...]]:
    """Every model's personal fields, by model label ("people.person"): the register that
    docs/personal-data.md must match (tests/site/test_personal_data_register.py)."""
    from django.apps import apps

    found: dict[str, tuple[str, ...]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        names = getattr(model, "personal_fields", None)
        if names is None:
            names = THIRD_PARTY_PERSONAL_FIELDS.get(label)
        if names:
            found[label] = tuple(names)
    return found
