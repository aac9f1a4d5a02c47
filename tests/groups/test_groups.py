"""Groups (OCAGs): aliases, platform accounts, home area, status, first and last seen."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from drachma.areas.models import Borough
from drachma.groups import selectors
from drachma.groups.models import Group, GroupAlias, PlatformAccount
from drachma.groups.services import save_group
from drachma.incidents.services import create_incident
from drachma.intelligence.services import create_entry
from tests.factories import at

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_a_group_with_aliases_and_platform_accounts():
    group = save_group(
        name="Northern Decoy Watch",
        status="active",
        home_borough=Borough.objects.get(name="Rochdale"),
        aliases=["NDW", " Decoy Watch North ", ""],
        accounts=[
            {"platform": "facebook", "handle": "@ndw", "url": "https://facebook.example.com/ndw"},
            {"platform": "tiktok", "handle": "@ndw_live", "url": ""},
        ],
    )
    assert sorted(group.aliases.values_list("name", flat=True)) == ["Decoy Watch North", "NDW"]
    assert [(a.platform, a.handle) for a in group.accounts.all()] == [
        ("facebook", "@ndw"),
        ("tiktok", "@ndw_live"),
    ]
    assert group.home_borough.name == "Rochdale"
    assert group.review_date is not None  # a MoPI review date is always set

    # Updating replaces the aliases and accounts with what is given.
    save_group(group, aliases=["NDW"], accounts=[])
    assert list(group.aliases.values_list("name", flat=True)) == ["NDW"]
    assert not group.accounts.exists()


def test_a_group_outside_greater_manchester_has_a_home_area_text():
    group = save_group(name="Lancashire Line Decoys", status="dormant", home_area_text="Lancashire")
    assert group.home_borough is None and group.home_area_text == "Lancashire"
    assert group.get_status_display() == "Dormant"


@pytest.mark.parametrize("status", ["active", "dormant", "disbanded"])
def test_the_three_statuses(status):
    assert save_group(name=f"Group {status}", status=status).status == status


def test_an_unknown_status_is_refused():
    with pytest.raises(ValidationError) as exc:
        save_group(name="Odd", status="sleeping")
    assert "status" in exc.value.message_dict
    assert not Group.objects.exists()


def test_a_bad_platform_account_url_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        save_group(
            name="Bad Links",
            status="active",
            aliases=["BL"],
            accounts=[{"platform": "youtube", "handle": "@bl", "url": "javascript:alert(1)"}],
        )
    assert "accounts.0.url" in exc.value.message_dict
    assert not Group.objects.exists() and not GroupAlias.objects.exists()
    assert not PlatformAccount.objects.exists()


def test_the_same_handle_on_the_same_platform_belongs_to_one_group():
    save_group(name="First", status="active", accounts=[{"platform": "x", "handle": "@same"}])
    with pytest.raises(ValidationError):
        save_group(name="Second", status="active", accounts=[{"platform": "x", "handle": "@same"}])
    assert not Group.objects.filter(name="Second").exists()


def test_a_field_the_service_does_not_set_is_refused():
    with pytest.raises(ValidationError) as exc:
        save_group(name="X", status="active", first_seen=at(2020, 1, 1))
    assert "first_seen" in exc.value.message_dict


def _entry(user, group, learned_at):
    return create_entry(
        user=user,
        group=group,
        learned_at=learned_at,
        source_type="open_source",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        text="Seen.",
    )


def test_first_and_last_seen_come_from_incidents_and_intelligence(make_user):
    user = make_user("analyst")
    group = save_group(name="Red Rose Shield", status="active")
    quiet = save_group(name="Quiet Group", status="active")

    def incident(when, groups=(group,)):
        return create_incident(
            user=user,
            occurred_at=when,
            received_at=when + datetime.timedelta(hours=1),
            source="group",
            kind="doorstep",
            summary="s",
            place="Preston",
            groups=groups,
        )

    found = {g.name: g for g in selectors.groups_with_activity()}
    assert found["Quiet Group"].first_seen is None and found["Quiet Group"].last_seen is None

    incident(at(2019, 5, 1))
    incident(at(2021, 3, 1))
    found = selectors.groups_with_activity().get(pk=group.pk)
    assert (found.first_seen, found.last_seen) == (at(2019, 5, 1), at(2021, 3, 1))

    # Intelligence only (no incident) still counts.
    _entry(user, quiet, at(2022, 2, 2))
    found = selectors.groups_with_activity().get(pk=quiet.pk)
    assert (found.first_seen, found.last_seen) == (at(2022, 2, 2), at(2022, 2, 2))

    # Intelligence earlier than any incident moves first seen back; later moves last seen on.
    _entry(user, group, at(2018, 1, 1))
    _entry(user, group, at(2023, 7, 7))
    found = selectors.groups_with_activity().get(pk=group.pk)
    assert (found.first_seen, found.last_seen) == (at(2018, 1, 1), at(2023, 7, 7))
    assert not hasattr(Group(), "first_seen")  # derived, never a stored field


def test_group_register_and_group_page_with_its_timeline(client_as, make_user):
    analyst = make_user("analyst")
    group = save_group(
        name="Pennine Predator Patrol",
        status="active",
        aliases=["PPP"],
        accounts=[
            {"platform": "youtube", "handle": "@ppp", "url": "https://youtube.example.com/ppp"}
        ],
    )
    inc = create_incident(
        user=analyst,
        occurred_at=at(2020, 6, 1),
        received_at=at(2020, 6, 1, 22),
        source="group",
        kind="live_streamed",
        live_streamed=True,
        stream_platform="youtube",
        summary="Streamed.",
        place="Leeds",
        groups=[group],
    )
    entry = _entry(analyst, group, at(2021, 1, 1))

    client = client_as(user=analyst)
    register = client.get(reverse("groups:group_list")).content.decode()
    assert (
        "Pennine Predator Patrol" in register
        and "1 June 2020" in register
        and "1 January 2021" in register
    )

    page = client.get(reverse("groups:group_detail", args=[group.pk])).content.decode()
    assert "PPP" in page and "@ppp" in page
    assert inc.reference in page and entry.reference in page
    assert page.index(entry.reference) < page.index(inc.reference)  # newest first

    # A safeguarding officer sees the group and its incidents, not the intelligence.
    client.logout()
    page = (
        client_as("safeguarding_officer")
        .get(reverse("groups:group_detail", args=[group.pk]))
        .content.decode()
    )
    assert inc.reference in page and entry.reference not in page


def test_group_register_filters_by_status(client_as):
    save_group(name="Still Going", status="active")
    save_group(name="Long Gone", status="disbanded")
    page = (
        client_as("analyst")
        .get(reverse("groups:group_list"), {"status": "disbanded"})
        .content.decode()
    )
    assert "Long Gone" in page and "Still Going" not in page


def test_group_form_reports_a_bad_account_line_beside_the_field(client_as):
    response = client_as("analyst").post(
        reverse("groups:group_create"),
        {
            "name": "Form Group",
            "status": "active",
            "mopi_group": "3",
            "aliases": "FG",
            "accounts": "myspace, @fg",
        },
    )
    assert response.status_code == 200
    assert "Line 1" in str(response.context["form"].errors["accounts"])
    assert not Group.objects.exists()


def test_group_form_creates_a_group_with_aliases_and_accounts(client_as):
    response = client_as("analyst").post(
        reverse("groups:group_create"),
        {
            "name": "Form Group",
            "status": "active",
            "mopi_group": "3",
            "aliases": "FG\nForm G",
            "accounts": "facebook, @fg, https://facebook.example.com/fg",
        },
    )
    group = Group.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "groups:group_detail", args=[group.pk]
    )
    assert sorted(group.aliases.values_list("name", flat=True)) == ["FG", "Form G"]
    assert group.accounts.get().url == "https://facebook.example.com/fg"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "youtube, @fg, javascript:alert(1)",
            "Line 1: url: Enter a valid URL. Enter a web address starting with http:// or https://.",
        ),
        (
            "youtube, @fg, ftp://youtube.example.com/fg",
            "Line 1: url: Enter a web address starting with http:// or https://.",
        ),
        (
            "youtube, " + "h" * 121,
            "Line 1: handle: Ensure this value has at most 120 characters (it has 121).",
        ),
        ("x, @taken", "Line 1: @taken on x is another group's account."),
    ],
)
def test_group_form_reports_each_bad_account_beside_the_field(client_as, line, message):
    save_group(name="Owner", status="active", accounts=[{"platform": "x", "handle": "@taken"}])
    response = client_as("analyst").post(
        reverse("groups:group_create"),
        {"name": "Form Group", "status": "active", "mopi_group": "3", "accounts": line},
    )
    assert response.context["form"].errors["accounts"] == [message]
    assert 'id="id_accounts_error"' in response.content.decode()
    assert not Group.objects.filter(name="Form Group").exists()


def test_editing_a_group_keeps_its_own_accounts(client_as):
    group = save_group(
        name="Keeper", status="active", accounts=[{"platform": "x", "handle": "@keeper"}]
    )
    response = client_as("analyst").post(
        reverse("groups:group_edit", args=[group.pk]),
        {
            "name": "Keeper",
            "status": "dormant",
            "mopi_group": "3",
            "accounts": "x, @keeper\ntiktok, @keeper_tt",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == "dormant" and group.accounts.count() == 2


# --- the register and the group page as lists -------------------------------------------


def test_the_register_sorts_by_the_columns_it_offers_counts_and_filters_with_any(client_as):
    save_group(name="Bravo Watch", status="dormant", home_area_text="Wigan")
    save_group(name="Alpha Watch", status="active", home_area_text="Bolton")
    save_group(name="Charlie Watch", status="disbanded", home_area_text="Oldham")
    client = client_as("analyst")
    page = client.get(reverse("groups:group_list")).content.decode()
    assert "3 groups" in page
    assert page.index("Alpha Watch") < page.index("Bravo Watch") < page.index("Charlie Watch")
    assert 'aria-sort="ascending"' in page and "?sort=-name" in page  # the header turns it
    page = client.get(reverse("groups:group_list"), {"sort": "-name"}).content.decode()
    assert page.index("Charlie Watch") < page.index("Bravo Watch") < page.index("Alpha Watch")
    page = client.get(reverse("groups:group_list"), {"sort": "home"}).content.decode()
    assert page.index("Alpha Watch") < page.index("Charlie Watch") < page.index("Bravo Watch")
    # Filtered: the count is of what matches, and the choice that does not narrow reads "Any".
    page = client.get(reverse("groups:group_list"), {"status": "active"}).content.decode()
    assert "1 group<" in page and "Bravo Watch" not in page
    assert ">Any</option>" in page and "---------" not in page
    # An order the page does not offer falls back to the default.
    page = client.get(reverse("groups:group_list"), {"sort": "description"}).content.decode()
    assert page.index("Alpha Watch") < page.index("Bravo Watch")


def test_a_groups_timeline_is_paginated_newest_first_and_read_a_page_at_a_time(
    client_as, make_user
):
    from drachma.groups.views import TIMELINE_PAGE

    analyst = make_user("analyst")
    group = save_group(name="Busy Group", status="active")
    incidents = [
        create_incident(
            user=analyst,
            occurred_at=at(2024, 1, 1) + datetime.timedelta(days=2 * i),
            received_at=at(2024, 1, 1) + datetime.timedelta(days=2 * i),
            source="group",
            kind="doorstep",
            summary="Doorstep.",
            place="Leeds",
            groups=[group],
        )
        for i in range(TIMELINE_PAGE)
    ]
    entries = [
        _entry(analyst, group, at(2024, 1, 2) + datetime.timedelta(days=2 * i)) for i in range(5)
    ]
    total = TIMELINE_PAGE + 5
    timeline = selectors.group_timeline_pages(group, analyst)
    assert len(timeline) == total
    # A page is merged from each app's newest records, in one order across pages.
    everything = [item["object"].reference for item in timeline[:total]]
    assert everything == [
        item["object"].reference for item in selectors.group_timeline(group, analyst)
    ]

    def when(record):
        return getattr(record, "occurred_at", None) or record.learned_at

    assert everything == [r.reference for r in sorted(incidents + entries, key=when, reverse=True)]
    # A slice in the middle (a page boundary) is the same records as the whole list there.
    middle = timeline[TIMELINE_PAGE - 2 : TIMELINE_PAGE + 2]
    assert [i["object"].reference for i in middle] == everything[
        TIMELINE_PAGE - 2 : TIMELINE_PAGE + 2
    ]

    client = client_as(user=analyst)
    first = client.get(reverse("groups:group_detail", args=[group.pk])).content.decode()
    assert f"{total} records" in first and "moj-timeline" in first
    assert everything[0] in first and everything[TIMELINE_PAGE - 1] in first
    assert everything[TIMELINE_PAGE] not in first
    assert 'class="govuk-pagination' in first and "?page=2" in first
    second = client.get(reverse("groups:group_detail", args=[group.pk]), {"page": 2}).content
    second = second.decode()
    assert everything[TIMELINE_PAGE] in second and everything[0] not in second
