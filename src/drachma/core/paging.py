"""Cutting lists into pages, the same way for pages and the API, and sorting a page's list.

Both accept a queryset or a ``core.personal.Listing``; for a listing, the rows of the page
cut are passed to ``listing.show`` (which masks what the viewer may not see and records the
view), so whatever door a list is read through, exactly the rows shown are recorded.

A list page sorts on the server: ``?sort=occurred`` / ``?sort=-occurred`` picks one of the
orders the view allows (``paginate(..., sorts={"occurred": "occurred_at", ...})``); any other
value falls back to the default order, so a query string can never order by a field the view
did not offer. The ``{% sort_header %}`` tag draws the column headers from the same choice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

from drachma.core.personal import Listing, unrestricted

# Far past any real list, and small enough that page x size stays a valid SQL offset.
MAX_PAGE = 1_000_000


def as_listing(rows: QuerySet | Listing) -> Listing:
    return rows if isinstance(rows, Listing) else unrestricted(rows)


@dataclasses.dataclass(frozen=True)
class Sort:
    """A list's order: one of the keys the view allows, ascending or descending.

    ``options`` maps each key the query string may name to the model fields it orders by;
    ``params`` is the query string without ``sort`` and ``page`` (the filters), which every
    header's link keeps.
    """

    key: str
    descending: bool
    options: Mapping[str, tuple[str, ...]]
    params: QueryDict

    @property
    def value(self) -> str:
        """The ``?sort=`` value of the current order."""
        return f"-{self.key}" if self.descending else self.key

    def aria_sort(self, key: str) -> str:
        """What a column header says about its order (``aria-sort``)."""
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"

    def url(self, key: str) -> str:
        """The link a header gives: sorted by ``key`` ascending, or descending when it is the
        current ascending order; back to the first page, filters kept."""
        if key not in self.options:
            raise KeyError(f"{key!r} is not one of this list's orders: {', '.join(self.options)}")
        params = self.params.copy()
        params["sort"] = f"-{key}" if key == self.key and not self.descending else key
        return f"?{params.urlencode()}"

    def order(self, queryset: QuerySet) -> QuerySet:
        fields = []
        for name in self.options[self.key]:
            if self.descending:
                name = name[1:] if name.startswith("-") else f"-{name}"
            fields.append(name)
        # The primary key last, so that rows with equal values keep one order across pages.
        return queryset.order_by(*fields, "-pk" if self.descending else "pk")


def choose_sort(
    request: HttpRequest, sorts: Mapping[str, str | Sequence[str]], default: str
) -> Sort:
    """The order ``request`` asks for among ``sorts`` (key -> field or fields), or ``default``
    (a key, ``-`` in front for descending) when it names none of them."""
    options = {key: (f,) if isinstance(f, str) else tuple(f) for key, f in sorts.items()}
    if default.removeprefix("-") not in options:
        raise ValueError(f"the default order {default!r} is not one of {', '.join(options)}")
    asked = request.GET.get("sort", "")
    chosen = asked if asked.removeprefix("-") in options else default
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("sort", None)
    return Sort(
        key=chosen.removeprefix("-"),
        descending=chosen.startswith("-"),
        options=options,
        params=params,
    )


def paginate(
    request: HttpRequest,
    rows: QuerySet | Listing,
    per_page: int = 50,
    *,
    sorts: Mapping[str, str | Sequence[str]] | None = None,
    default_sort: str = "",
) -> dict:
    """Context for a paginated list: ``page_obj`` (its rows shown) and the query string that
    keeps the filters (``querystring_without_page``).

    With ``sorts`` (the orders the page offers, key -> model field(s)) the rows are ordered as
    ``?sort=`` asks, or by ``default_sort``, and the context holds that ``sort`` (a ``Sort``)
    for ``{% sort_header %}``.
    """
    listing = as_listing(rows)
    context: dict[str, Any] = {}
    if sorts:
        sort = choose_sort(request, sorts, default_sort or next(iter(sorts)))
        listing = dataclasses.replace(listing, queryset=sort.order(listing.queryset))
        context["sort"] = sort
    page_obj = Paginator(listing.queryset, per_page).get_page(request.GET.get("page"))
    page_obj.object_list = listing.shown(page_obj.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return {**context, "page_obj": page_obj, "querystring_without_page": params.urlencode()}


class PageNumberPagination(NinjaPageNumberPagination):
    """django-ninja's page-number pagination with the page number bounded: a page beyond
    ``MAX_PAGE`` would make an offset past the database's integer range (a 500), so it is
    refused as invalid input (422) instead. Every API list uses this or a subclass."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


class ListingPagination(PageNumberPagination):
    """The API's pagination: ``?page=`` from 1; the rows of the page are shown through the
    selector's listing."""

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        listing = as_listing(queryset)
        page = super().paginate_queryset(listing.queryset, pagination, request, **params)
        page[self.items_attribute] = listing.shown(page[self.items_attribute])
        return page
