"""The intelligence list: filtered as the API filters, sortable, counted and paginated (it was
unbounded); messages name the entry."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from drachma.intelligence import services

pytestmark = pytest.mark.django_db


def _entries(user, n: int) -> list:
    now = timezone.now()
    return [
        services.create_entry(
            user=user,
            group=None,
            learned_at=now - datetime.timedelta(days=i + 1),
            source_type="open_source",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
            text=f"Entry {i}.",
            sanitised_text=f"Sanitised {i}.",
        )
        for i in range(n)
    ]


def test_the_list_is_paginated_and_counted(client_as, make_user, settings):
    entries = _entries(make_user("investigator"), 55)
    client = client_as("analyst")
    first = client.get(reverse("intelligence:entry_list")).content.decode()
    assert "55 intelligence entries" in first
    assert sum(e.reference in first for e in entries) == 50  # 50 a page
    second = client.get(reverse("intelligence:entry_list"), {"page": 2}).content.decode()
    assert sum(e.reference in second for e in entries) == 5
    assert "govuk-pagination" in first


def test_the_list_sorts_on_the_server_and_newest_first_by_default(client_as, make_user):
    newest, middle, oldest = _entries(make_user("investigator"), 3)
    client = client_as("analyst")
    html = client.get(reverse("intelligence:entry_list")).content.decode()
    positions = [html.index(e.reference) for e in (newest, middle, oldest)]
    assert positions == sorted(positions)
    html = client.get(reverse("intelligence:entry_list"), {"sort": "learned"}).content.decode()
    assert html.index(oldest.reference) < html.index(newest.reference)
    assert 'aria-sort="ascending"' in html
    # An order the page does not offer falls back to the default.
    html = client.get(reverse("intelligence:entry_list"), {"sort": "text"}).content.decode()
    assert html.index(newest.reference) < html.index(oldest.reference)


def test_the_list_filters_as_the_api_does_and_refuses_a_backwards_period(client_as, make_user):
    entry, other = _entries(make_user("investigator"), 2)
    services.transition_entry(other, "assess", user=make_user("supervisor"))
    client = client_as("analyst")
    html = client.get(
        reverse("intelligence:entry_list"), {"status": "requires_assessment"}
    ).content.decode()
    assert entry.reference in html and other.reference not in html
    assert "1 intelligence entry" in html
    bad = client.get(
        reverse("intelligence:entry_list"),
        {"learned_from": "2026-03-02", "learned_to": "2026-03-01"},
    ).content.decode()
    assert "The period ends before it starts." in bad
    assert entry.reference not in bad


def test_a_step_says_what_happened_to_which_entry(client_as, make_user):
    [entry] = _entries(make_user("investigator"), 1)
    client = client_as("analyst")
    response = client.post(
        reverse("intelligence:entry_transition", args=[entry.pk, "assess"]), follow=True
    )
    assert f"{entry.reference} assessed" in response.content.decode()
