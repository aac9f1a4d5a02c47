"""Cutting lists into pages, the same way for pages and the API.

Both accept a queryset or a ``core.personal.Listing``; for a listing, the rows of the page
cut are passed to ``listing.show`` (which masks what the viewer may not see and records the
view), so whatever door a list is read through, exactly the rows shown are recorded.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from drachma.core.personal import Listing, unrestricted

# Far past any real list, and small enough that page x size stays a valid SQL offset.
MAX_PAGE = 1_000_000


def as_listing(rows: QuerySet | Listing) -> Listing:
    return rows if isinstance(rows, Listing) else unrestricted(rows)


def paginate(request: HttpRequest, rows: QuerySet | Listing, per_page: int = 50) -> dict:
    """Context for a paginated list: ``page_obj`` (its rows shown) and the query string that
    keeps the filters."""
    listing = as_listing(rows)
    page_obj = Paginator(listing.queryset, per_page).get_page(request.GET.get("page"))
    page_obj.object_list = listing.shown(page_obj.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page_obj, "querystring_without_page": params.urlencode()}


class ListingPagination(PageNumberPagination):
    """The API's pagination: ``?page=`` from 1; the rows of the page are shown through the
    selector's listing."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        listing = as_listing(queryset)
        page = super().paginate_queryset(listing.queryset, pagination, request, **params)
        page[self.items_attribute] = listing.shown(page[self.items_attribute])
        return page
