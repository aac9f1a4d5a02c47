"""Reads of intelligence: the page and the API record the same view through the selectors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.intelligence import selectors, services

pytestmark = pytest.mark.django_db


def views() -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action="view", model="intelligence.intelligenceentry").order_by(
            "seq"
        )
    )


@pytest.fixture
def entry(make_user):
    return services.create_entry(
        user=make_user("investigator"),
        group=None,
        learned_at=timezone.now() - datetime.timedelta(days=1),
        source_type="open_source",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        text="J. Smith plans to meet the man on Friday.",
    )


def test_an_entry_read_on_the_page_and_through_the_api_records_the_same_view(client_as, entry):
    client = client_as("analyst")
    assert client.get(reverse("intelligence:entry_detail", args=[entry.pk])).status_code == 200
    assert client.get(f"/api/intelligence/entries/{entry.pk}").status_code == 200
    page, api = views()
    assert page.object_id == api.object_id == str(entry.pk)
    assert page.changes == api.changes
    assert page.path == reverse("intelligence:entry_detail", args=[entry.pk])
    assert api.path == f"/api/intelligence/entries/{entry.pk}"


def test_the_list_page_and_api_record_the_same_list_view(client_as, entry):
    client = client_as("analyst")
    assert client.get(reverse("intelligence:entry_list")).status_code == 200
    assert client.get("/api/intelligence/entries").status_code == 200
    page, api = views()
    assert page.changes["ids"] == api.changes["ids"] == [str(entry.pk)]


def test_the_edit_form_shows_the_text_and_records_the_view(client_as, entry):
    client = client_as("investigator")
    assert client.get(reverse("intelligence:entry_edit", args=[entry.pk])).status_code == 200
    [view] = views()
    assert view.object_id == str(entry.pk)


def test_an_empty_list_records_nothing(client_as):
    client = client_as("analyst")
    client.get(reverse("intelligence:entry_list"))
    client.get("/api/intelligence/entries")
    assert views() == []


def test_the_awaiting_count_counts_what_the_filtered_list_shows(client_as, entry):
    assert selectors.awaiting_assessment_count() == 1
    assert selectors.counts()["awaiting_assessment"] == 1
    client = client_as("analyst")
    page = client.get(reverse("intelligence:entry_list"), {"status": "requires_assessment"})
    assert entry.reference in page.content.decode()
