"""People: vulnerability flags, possible duplicates when a person is entered, identifiers only
for the roles that need them, and every view audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.accounts.roles import role_permissions
from drachma.audit.models import AuditEntry
from drachma.core.roles import Role
from drachma.people.models import VULNERABILITY_FLAGS, Person
from drachma.people.selectors import possible_duplicates
from drachma.people.services import create_person, update_person

pytestmark = pytest.mark.django_db
DOB = datetime.date(1971, 4, 12)


def person(**fields) -> Person:
    defaults = {
        "given_names": "Gary",
        "family_name": "Entwistle",
        "date_of_birth": DOB,
        "address": "14 Mill Lane, Rochdale",
        "postcode": "ol11 1aa",
    }
    defaults.update(fields)
    return create_person(**defaults)


# --- the record ------------------------------------------------------------------------


def test_a_person_with_flags_mopi_group_and_review_date():
    p = person(
        flag_learning_disability=True,
        flag_self_harm=True,
        flag_other=True,
        flag_other_text="Recently bereaved",
        mopi_group=2,
    )
    assert p.full_name == "Gary Entwistle" and str(p) == "Gary Entwistle"
    assert p.postcode == "OL11 1AA"
    assert p.vulnerabilities == [
        "Learning disability",
        "Previous self-harm",
        "Other: Recently bereaved",
    ]
    assert p.review_date.year == timezone.localdate().year + 10


def test_each_vulnerability_flag():
    for name, label in VULNERABILITY_FLAGS.items():
        extra = {"flag_other_text": "Described"} if name == "flag_other" else {}
        p = person(given_names=f"G{name}", **{name: True}, **extra)
        assert p.vulnerabilities == [label if name != "flag_other" else "Other: Described"], name
    assert person(given_names="None").vulnerabilities == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"flag_other": True}, "flag_other_text"),
        ({"date_of_birth": timezone.localdate() + datetime.timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": datetime.date(1899, 12, 31)}, "date_of_birth"),
        ({"given_names": ""}, "given_names"),
        ({"family_name": "x" * 101}, "family_name"),
        ({"address": "a" * 501}, "address"),
        ({"notes": "n" * 5001}, "notes"),
        ({"postcode": "M1 1AA TOO LONG"}, "postcode"),
        ({"nickname": "G"}, "nickname"),
    ],
)
def test_bad_people_are_refused_naming_the_field(fields, field):
    with pytest.raises(ValidationError) as exc:
        person(**fields)
    assert field in exc.value.message_dict
    assert not Person.objects.exists()


def test_update_keeps_the_record_whole_on_error():
    p = person()
    with pytest.raises(ValidationError):
        update_person(p, flag_other=True, flag_other_text="", notes="changed")
    p.refresh_from_db()
    assert not p.flag_other and p.notes == ""


# --- possible duplicates ---------------------------------------------------------------


def test_possible_duplicates_by_close_name_date_of_birth_and_postcode():
    gary = person()
    person(
        given_names="Sarah",
        family_name="Kershaw",
        date_of_birth=datetime.date(1990, 1, 1),
        postcode="M4 5XX",
    )
    found = possible_duplicates(given_names="Garry", family_name="Entwistle")
    assert [d.person for d in found] == [gary] and "similar" in found[0].reasons[0]
    found = possible_duplicates(given_names="Gareth", family_name="Entwhistle", date_of_birth=DOB)
    assert found[0].person == gary and "same date of birth" in found[0].reasons
    found = possible_duplicates(given_names="Gary", family_name="Entwistle", postcode="OL11 1AA")
    assert "same postcode" in found[0].reasons
    assert possible_duplicates(given_names="Wayne", family_name="Okonkwo") == []
    assert (
        possible_duplicates(given_names="Gary", family_name="Entwistle", exclude_pk=gary.pk) == []
    )
    # "known as" matches too.
    alias = person(
        given_names="Daniel", family_name="Holt", known_as="Danny Holt", date_of_birth=None
    )
    assert alias in [d.person for d in possible_duplicates(given_names="Danny", family_name="Holt")]


def test_entering_a_person_shows_possible_duplicates_before_saving(client_as):
    gary = person()
    client = client_as("safeguarding_officer")
    data = {
        "given_names": "Garry",
        "family_name": "Entwistle",
        "date_of_birth": "1971-04-12",
        "address": "",
        "postcode": "",
        "mopi_group": "4",
        "review_date": "",
        "notes": "",
    }
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Possible duplicates" in html and "This person may already be recorded" in html
    assert f'href="{reverse("people:detail", args=[gary.pk])}"' in html
    assert Person.objects.count() == 1
    # Saving anyway is a deliberate second submit.
    response = client.post(reverse("people:create"), {**data, "confirm_not_duplicate": "1"})
    assert response.status_code == 302 and Person.objects.count() == 2


def test_the_live_duplicate_check_while_typing(client_as):
    gary = person()
    html = (
        client_as("investigator")
        .get(reverse("people:duplicates"), {"given_names": "Gary", "family_name": "Entwisle"})
        .content.decode()
    )
    assert "Gary Entwistle" in html
    assert AuditEntry.objects.filter(
        action="view", model="people.person", changes__query="duplicate check"
    ).exists()
    entry = AuditEntry.objects.filter(action="view", model="people.person").latest("seq")
    assert entry.changes["ids"] == [str(gary.pk)]
    assert (
        client_as("investigator")
        .get(reverse("people:duplicates"), {"given_names": "Zed"})
        .content.strip()
        == b""
    )


def test_a_new_person_with_no_match_is_saved_at_once(client_as):
    response = client_as("supervisor").post(
        reverse("people:create"),
        {
            "given_names": "Wayne",
            "family_name": "Okonkwo",
            "mopi_group": "3",
            "flag_mental_ill_health": "on",
            "flag_children_in_household": "on",
        },
    )
    p = Person.objects.get()
    assert response.url == reverse("people:detail", args=[p.pk])
    assert p.vulnerabilities == ["Mental ill health", "Children in the household"]


# --- identifiers, by role --------------------------------------------------------------


def test_only_these_roles_hold_the_identifiers_permission():
    holders = {
        role
        for role, perms in role_permissions().items()
        if "people.view_person_identifiers" in perms
    }
    assert holders == {Role.SAFEGUARDING_OFFICER, Role.INVESTIGATOR, Role.SUPERVISOR}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("safeguarding_officer", True),
        ("investigator", True),
        ("supervisor", True),
        ("disclosure_officer", False),
    ],
)
def test_address_and_date_of_birth_only_for_roles_that_need_them(client_as, role, sees):
    p = person(flag_self_harm=True)
    html = client_as(role).get(reverse("people:detail", args=[p.pk])).content.decode()
    assert "Gary Entwistle" in html and "Previous self-harm" in html
    assert ("14 Mill Lane" in html) is sees
    assert ("12 April 1971" in html) is sees
    assert ("OL11 1AA" in html) is sees
    assert ("Not shown to your role." in html) is not sees


@pytest.mark.parametrize("role", ["analyst", "auditor", "administrator"])
def test_roles_without_people_access_get_404(client_as, role):
    p = person()
    assert client_as(role).get(reverse("people:detail", args=[p.pk])).status_code == 404


def test_the_edit_form_leaves_out_identifiers_for_roles_without_them():
    from drachma.people.forms import PersonForm

    assert "address" not in PersonForm(show_identifiers=False).fields
    assert "date_of_birth" not in PersonForm(show_identifiers=False).fields
    assert "address" in PersonForm(show_identifiers=True).fields


# --- every view is audited -------------------------------------------------------------


def test_every_view_of_a_person_is_audited(client_as, make_user):
    p = person()
    officer = make_user("safeguarding_officer")
    client = client_as(user=officer)
    before = AuditEntry.objects.filter(action="view").count()
    client.get(reverse("people:detail", args=[p.pk]))
    client.get(reverse("people:detail", args=[p.pk]))
    views = AuditEntry.objects.filter(
        action="view", model="people.person", object_id=str(p.pk)
    ).order_by("seq")
    assert views.count() == 2
    entry = views.last()
    assert entry.actor_id == officer.pk and entry.actor_username == officer.username
    # The page shows the postcode beside the address: the view names all three identifiers,
    # as the API's does.
    assert entry.changes == {"fields": ["address", "date_of_birth", "postcode"]}
    assert entry.path == reverse("people:detail", args=[p.pk]) and entry.method == "GET"
    assert entry.request_id and entry.ip_address == "127.0.0.1"
    # The edit form shows the record too.
    client.get(reverse("people:edit", args=[p.pk]))
    assert AuditEntry.objects.filter(action="view").count() == before + 3
    # A list of people records whom it showed.
    client.get(reverse("people:list"), {"q": "Entwistle"})
    listing = AuditEntry.objects.filter(action="view", model="people.person").latest("seq")
    assert listing.changes == {"ids": [str(p.pk)], "query": "Entwistle"}


def test_a_view_without_identifiers_is_audited_as_such(client_as):
    p = person()
    client_as("disclosure_officer").get(reverse("people:detail", args=[p.pk]))
    entry = AuditEntry.objects.filter(action="view", model="people.person").latest("seq")
    assert entry.changes == {}


def test_the_person_form_shows_errors_beside_the_fields_and_saves_nothing(client_as):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_as("investigator").post(
        reverse("people:create"),
        {
            "given_names": "Lee",
            "family_name": "Pilling",
            "date_of_birth": tomorrow,
            "mopi_group": "3",
            "flag_other": "on",
            "flag_other_text": "",
            "address": "a" * 501,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["date_of_birth"] == ["The date of birth is in the future."]
    assert errors["flag_other_text"] == ["Describe the other vulnerability."]
    assert errors["address"] == ["Ensure this value has at most 500 characters (it has 501)."]
    html = response.content.decode()
    assert 'id="id_date_of_birth_error"' in html and 'id="id_flag_other_text_error"' in html
    assert not Person.objects.exists()


# --- the list ---------------------------------------------------------------------------


def test_the_people_list_searches_sorts_counts_and_pages(client_as):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    person(given_names="Ann", family_name="Zeal", review_date=soon + datetime.timedelta(days=2))
    person(given_names="Bob", family_name="Able", review_date=soon + datetime.timedelta(days=9))
    person(given_names="Cat", family_name="Moss", review_date=soon)
    client = client_as("investigator")
    page = client.get(reverse("people:list")).content.decode()
    assert "3 people" in page
    assert page.index("Bob Able") < page.index("Cat Moss") < page.index("Ann Zeal")  # by name
    page = client.get(reverse("people:list"), {"sort": "review"}).content.decode()
    assert page.index("Cat Moss") < page.index("Ann Zeal") < page.index("Bob Able")
    assert 'aria-sort="ascending"' in page
    page = client.get(reverse("people:list"), {"sort": "-review"}).content.decode()
    assert page.index("Bob Able") < page.index("Ann Zeal") < page.index("Cat Moss")
    # A search keeps the order and shows the search as a filter tag that removes it.
    page = client.get(reverse("people:list"), {"q": "moss", "sort": "-review"}).content.decode()
    assert "1 person<" in page and "Ann Zeal" not in page
    assert "Remove this filter</span> moss" in page
    for i in range(50):
        person(given_names=f"Extra{i:02d}", family_name="Zulu", date_of_birth=None, postcode="")
    page = client.get(reverse("people:list")).content.decode()
    assert "53 people" in page and "?page=2" in page and "Extra49" not in page
    assert "Extra49" in client.get(reverse("people:list"), {"page": 2}).content.decode()
