"""The incident list (filters and search, shared with the API through the filterset) and the
dashboard's figures."""

import datetime
import re

import pytest
from django.urls import reverse

from drachma.areas.models import Borough, District, Ward
from drachma.groups.services import save_group
from drachma.incidents.selectors import dashboard_figures
from drachma.incidents.services import create_incident
from tests.factories import LONDON, at
from tests.incidents.statuses import move_to

pytestmark = pytest.mark.django_db
LIST = reverse("incidents:list")


@pytest.fixture
def world(make_user):
    user = make_user("analyst")
    red = save_group(name="Red Rose Shield", status="active", aliases=["RRS"])
    blue = save_group(name="Blue Line Watch", status="active")

    def make(name, when, status="new", **fields):
        fields.setdefault("source", "group")
        fields.setdefault("kind", "doorstep")
        fields.setdefault("summary", f"{name}: a confrontation.")
        incident = create_incident(
            user=user, occurred_at=when, received_at=when + datetime.timedelta(hours=1), **fields
        )
        return move_to(incident, status)

    incidents = {
        "deansgate": make(
            "deansgate",
            at(2024, 2, 1),
            ward=Ward.objects.get(name="Deansgate"),
            groups=[red],
            kind="online_sting",
        ),
        "rochdale": make(
            "rochdale",
            at(2024, 3, 5),
            borough=Borough.objects.get(name="Rochdale"),
            groups=[blue],
            source="public",
            status="closed",
            outcome="arrest",
        ),
        "salford": make(
            "salford",
            at(2024, 4, 9),
            ward=Ward.objects.get(name="Ordsall"),
            groups=[red, blue],
            kind="live_streamed",
            live_streamed=True,
            stream_platform="tiktok",
            status="investigating",
        ),
        "preston": make(
            "preston",
            at(2024, 5, 20),
            place="Preston bus station",
            source="officer",
            summary="A stream outside a bus station.",
        ),
        "withington": make(
            "withington",
            at(2024, 6, 1),
            ward=Ward.objects.get(name="Withington"),
            source="partner",
            status="assessing",
        ),
    }
    return incidents


def listed(analyst_client, **params) -> set[str]:
    response = analyst_client.get(LIST, params)
    assert response.status_code == 200
    return {i.reference for i in response.context["page_obj"]}


def refs(world, *names):
    return {world[n].reference for n in names}


def test_unfiltered_list_shows_all_newest_first(analyst_client, world):
    response = analyst_client.get(LIST)
    assert [i.reference for i in response.context["page_obj"]] == [
        world[n].reference for n in ["withington", "preston", "salford", "rochdale", "deansgate"]
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"borough": "E08000003"}, {"deansgate", "withington"}),
        ({"borough": "E08000005"}, {"rochdale"}),
        ({"ward": "WARD:Ordsall"}, {"salford"}),
        ({"district": "DISTRICT"}, {"deansgate"}),
        ({"kind": "online_sting"}, {"deansgate"}),
        ({"source": "public"}, {"rochdale"}),
        ({"status": "closed"}, {"rochdale"}),
        ({"outcome": "arrest"}, {"rochdale"}),
        ({"live_streamed": "true"}, {"salford"}),
        ({"occurred_from": "2024-03-01", "occurred_to": "2024-04-30"}, {"rochdale", "salford"}),
        ({"occurred_from": "2024-05-20"}, {"preston", "withington"}),
        ({"q": "bus station"}, {"preston"}),
        ({"q": "rrs"}, {"deansgate", "salford"}),  # a group's alias
        ({"q": "blue line"}, {"rochdale", "salford"}),  # a group's name
        ({"q": "nothing like this"}, set()),
        ({"borough": "E08000003", "kind": "doorstep"}, {"withington"}),
        ({"open": "true"}, {"deansgate", "salford", "preston", "withington"}),
        ({"open": "false"}, {"rochdale"}),
    ],
)
def test_filters_and_search(analyst_client, world, params, expected):
    params = dict(params)
    if params.get("ward", "").startswith("WARD:"):
        params["ward"] = Ward.objects.get(name=params["ward"][5:]).code
    if params.get("district") == "DISTRICT":
        params["district"] = District.objects.get(
            name="Manchester city centre and north Manchester"
        ).pk
    assert listed(analyst_client, **params) == refs(world, *expected)


def test_search_by_reference_and_group_filter(analyst_client, world):
    assert listed(analyst_client, q=world["salford"].reference.lower()) == refs(world, "salford")
    red = world["deansgate"].groups.get()
    assert listed(analyst_client, group=red.pk) == refs(world, "deansgate", "salford")


def test_bad_filters_show_errors_and_no_rows(analyst_client, world):
    response = analyst_client.get(
        LIST, {"occurred_from": "2024-05-01", "occurred_to": "2024-04-01"}
    )
    assert response.context["filterset"].form.errors["occurred_to"] == [
        "The period ends before it starts."
    ]
    assert not response.context["page_obj"].object_list
    assert "The period ends before it starts." in response.content.decode()
    response = analyst_client.get(LIST, {"borough": "E99999999"})
    assert "borough" in response.context["filterset"].form.errors
    assert not response.context["page_obj"].object_list


def test_the_list_links_each_incident_and_labels_its_filters(analyst_client, world):
    html = analyst_client.get(LIST, {"kind": "online_sting"}).content.decode()
    ref = world["deansgate"].reference
    assert f'href="{reverse("incidents:detail", args=[ref])}"' in html
    # The MOJ filter panel (its heading names it), each filter with its label.
    assert 'class="moj-filter"' in html and '<label for="id_kind" class="govuk-label">' in html


# --- dashboard -------------------------------------------------------------------------


def test_dashboard_figures_open_this_month_last_month_by_area(make_user):
    user = make_user("analyst")
    rochdale = Borough.objects.get(name="Rochdale")
    salford = Borough.objects.get(name="Salford")

    def make(when, status="new", **fields):
        fields.setdefault("borough", rochdale)
        incident = create_incident(
            user=user,
            occurred_at=when,
            received_at=when,
            source="group",
            kind="doorstep",
            summary="s",
            **fields,
        )
        return move_to(incident, status)

    make(at(2024, 3, 1, 0, 0))  # this month, first minute (UK time)
    make(at(2024, 3, 31, 23, 59), status="closed", outcome="nfa")  # this month, last minute, closed
    make(at(2024, 3, 10), borough=salford)
    make(at(2024, 2, 29, 23, 59), borough=salford)  # last month, last minute
    make(at(2024, 2, 1, 0, 0))  # last month, first minute
    make(at(2024, 1, 31, 23, 59), status="closed", outcome="arrest")  # earlier: not in either month
    make(at(2024, 3, 12), borough=None, place="Leeds")

    figures = dashboard_figures(datetime.date(2024, 3, 15))
    assert figures["month"] == at(2024, 3, 1, 0, 0)
    assert figures["open"] == 5
    assert (figures["this_month"], figures["last_month"]) == (4, 2)
    assert figures["by_area"] == [
        {"borough__name": "Rochdale", "this_month": 2, "last_month": 1},
        {"borough__name": "Salford", "this_month": 1, "last_month": 1},
        {"borough__name": None, "this_month": 1, "last_month": 0},
    ]


def test_dashboard_months_follow_uk_time_across_the_clock_change(make_user):
    user = make_user("analyst")
    # 00:30 BST on 1 April is 23:30 UTC on 31 March: it belongs to April.
    create_incident(
        user=user,
        occurred_at=at(2024, 4, 1, 0, 30),
        received_at=at(2024, 4, 1, 1, 0),
        source="group",
        kind="doorstep",
        summary="s",
        place="Leeds",
    )
    assert dashboard_figures(datetime.date(2024, 4, 2))["this_month"] == 1
    assert dashboard_figures(datetime.date(2024, 3, 31))["this_month"] == 0


def test_the_dashboard_page_shows_the_incident_panel_to_casework_roles(client_as, make_user):
    user = make_user("analyst")
    create_incident(
        user=user,
        occurred_at=datetime.datetime.now(LONDON) - datetime.timedelta(minutes=5),
        source="group",
        kind="doorstep",
        summary="s",
        borough=Borough.objects.get(name="Bury"),
    )
    html = client_as(user=user).get(reverse("core:dashboard")).content.decode()
    assert "By borough, this month against last" in html and "Bury" in html
    # Each count links to the list of exactly those incidents.
    assert f'href="{LIST}?open=true">1 open incident</a>' in html
    assert client_as(user=user).get(LIST, {"open": "true"}).context["page_obj"].paginator.count == 1
    this_month = re.search(r'href="([^"]+)">1 this month</a>', html)
    assert this_month, html
    listed = client_as(user=user).get(this_month.group(1).replace("&amp;", "&"))
    assert listed.context["page_obj"].paginator.count == 1
    last_month = re.search(r'href="([^"]+)">0 last month</a>', html)
    listed = client_as(user=user).get(last_month.group(1).replace("&amp;", "&"))
    assert listed.context["page_obj"].paginator.count == 0
    client = client_as("auditor")
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "open incident" not in html


def test_the_list_sorts_counts_and_reads_any(analyst_client, world):
    from drachma.incidents.models import Incident

    newest_first = analyst_client.get(LIST)
    refs = [i.reference for i in newest_first.context["page_obj"]]
    expected = list(
        Incident.objects.order_by("-occurred_at", "-pk").values_list("reference", flat=True)
    )
    assert refs == expected
    by_reference = analyst_client.get(LIST, {"sort": "reference"})
    assert [i.reference for i in by_reference.context["page_obj"]] == sorted(expected)
    html = by_reference.content.decode()
    # The count of the whole list, sortable headers saying their order, "Any" in the filters.
    assert f"{len(expected)} incidents" in html
    assert 'aria-sort="ascending"' in html and "sort=-reference" in html
    assert ">Any</option>" in html and "Unknown" not in html
    # An order the page does not offer falls back to the default.
    odd = analyst_client.get(LIST, {"sort": "summary"})
    assert [i.reference for i in odd.context["page_obj"]] == expected
