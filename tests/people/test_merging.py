"""People's identifiers and the merge of duplicates: every link moves to the surviving record,
the merge is audited, and undoing it puts back exactly what moved."""

import pytest
from django.core.exceptions import ValidationError

from drachma.audit.models import AuditEntry
from drachma.incidents.models import IncidentPerson
from drachma.incidents.services import add_person
from drachma.people import merging
from drachma.people.models import Person, PersonIdentifier, PersonMerge
from drachma.people.services import add_identifier, create_person
from tests.factories import field_of, make_incident, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    keep = create_person(given_names="Alan", family_name="Hartley")
    dup = create_person(given_names="Alan", family_name="Hartly")
    return keep, dup


# --- identifiers ---------------------------------------------------------------------------


def test_an_identifier_is_stored_in_its_one_spelling_with_its_source(pair):
    keep, _ = pair
    phone = add_identifier(keep, kind="phone", value="0161 496 0123", source="Report R-1")
    handle = add_identifier(
        keep, kind="handle", value="https://www.tiktok.com/@Al_H", source="Incident stream"
    )
    assert (phone.normalized, phone.platform) == ("+441614960123", "")
    assert (handle.normalized, handle.platform) == ("al_h", "tiktok")
    assert handle.source == "Incident stream"


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("phone", "0161 496", "not a valid phone number"),
        ("email", "alan at example", "not an e-mail address"),
        ("handle", "al h", "handles have no spaces"),
        ("url", "ftp://example.com/x", "not a web address"),
        ("fax", "0161 496 0123", "not a kind of identifier"),
    ],
)
def test_an_identifier_that_does_not_normalise_is_refused_and_nothing_is_written(
    pair, kind, value, message
):
    keep, _ = pair
    with pytest.raises(ValidationError) as caught:
        add_identifier(keep, kind=kind, value=value, source="Report R-1")
    assert message in str(caught.value.message_dict)
    assert not PersonIdentifier.objects.exists()


def test_an_identifier_needs_a_source_and_is_not_recorded_twice(pair):
    keep, _ = pair
    with pytest.raises(ValidationError) as caught:
        add_identifier(keep, kind="email", value="al@example.com", source=" ")
    assert "source" in caught.value.message_dict
    add_identifier(keep, kind="email", value="al@example.com", source="Report R-1")
    with pytest.raises(ValidationError, match="already has al@example.com"):
        add_identifier(keep, kind="email", value="AL@Example.com", source="Report R-2")
    assert PersonIdentifier.objects.count() == 1


def test_the_api_refuses_an_identifier_that_does_not_normalise_naming_the_field(client_as, pair):
    keep, _ = pair
    client = client_as("investigator")
    url = f"/api/people/people/{keep.pk}/identifiers"
    refused = send(client, "POST", url, {"kind": "phone", "value": "12", "source": "x"})
    assert refused.status_code == 422 and field_of(refused) == ["value"]
    made = send(client, "POST", url, {"kind": "email", "value": "A@B.com", "source": "R-1"})
    assert made.status_code == 201 and made.json()["normalized"] == "a@b.com"
    assert [i["normalized"] for i in client.get(url).json()] == ["a@b.com"]
    # A role that may not see identifiers does not learn the person has any.
    assert client_as("disclosure_officer").get(url).status_code == 404


# --- merge and undo -------------------------------------------------------------------------


def _linked(pair, user):
    keep, dup = pair
    incident = make_incident(user)
    other = make_incident(user)
    add_person(incident, person=dup, role="subject")
    add_person(other, person=keep, role="subject")
    ident = add_identifier(dup, kind="phone", value="07911 123456", source="Report R-9")
    return incident, other, ident


def test_a_merge_moves_every_link_and_undo_puts_back_exactly_those(pair, supervisor, analyst):
    keep, dup = pair
    incident, other, ident = _linked(pair, analyst)
    merge = merging.merge_people(survivor=keep, merged=dup, reason="Same DOB", user=supervisor)

    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert set(IncidentPerson.objects.filter(person=keep).values_list("incident", flat=True)) == {
        incident.pk,
        other.pk,
    }
    assert PersonIdentifier.objects.get(pk=ident.pk).person == keep
    assert sorted(m[0] for m in merge.moved) == [
        "incidents.IncidentPerson",
        "people.PersonIdentifier",
    ]
    decision = AuditEntry.objects.get(
        model="people.person", object_id=str(dup.pk), action="decision"
    )
    assert decision.changes["decision"] == "merged" and decision.changes["into"] == keep.pk

    # Linked to the survivor after the merge: stays with it when the merge is undone.
    later = add_identifier(keep, kind="email", value="al@example.com", source="Officer")
    merging.undo_merge(merge, reason="Different fathers", user=supervisor)
    dup.refresh_from_db()
    assert dup.merged_into is None
    assert IncidentPerson.objects.get(incident=incident).person == dup
    assert IncidentPerson.objects.get(incident=other).person == keep
    assert PersonIdentifier.objects.get(pk=ident.pk).person == dup
    assert PersonIdentifier.objects.get(pk=later.pk).person == keep
    merge.refresh_from_db()
    assert merge.undone_by == supervisor and merge.undo_reason == "Different fathers"
    with pytest.raises(ValidationError, match="already been undone"):
        merging.undo_merge(merge, reason="Again", user=supervisor)


def test_a_person_cannot_be_merged_into_themselves(pair, supervisor):
    keep, _ = pair
    with pytest.raises(ValidationError) as caught:
        merging.merge_people(survivor=keep, merged=keep, reason="Oops", user=supervisor)
    assert caught.value.message_dict == {"merged": ["A person cannot be merged into themselves."]}
    assert not PersonMerge.objects.exists()


def test_a_merged_record_can_be_neither_merged_again_nor_merged_into(pair, supervisor):
    keep, dup = pair
    third = create_person(given_names="A", family_name="Hartley")
    merging.merge_people(survivor=keep, merged=dup, reason="Same", user=supervisor)
    with pytest.raises(ValidationError) as caught:
        merging.merge_people(survivor=third, merged=dup, reason="Same", user=supervisor)
    assert "undo that merge first" in caught.value.message_dict["merged"][0]
    with pytest.raises(ValidationError) as caught:
        merging.merge_people(survivor=dup, merged=third, reason="Same", user=supervisor)
    assert "merge into that one" in caught.value.message_dict["survivor"][0]
    assert PersonMerge.objects.count() == 1
    third.refresh_from_db()
    assert third.merged_into is None


def test_a_merge_that_would_record_a_role_twice_is_refused_and_nothing_moves(
    pair, supervisor, analyst
):
    keep, dup = pair
    incident = make_incident(analyst)
    add_person(incident, person=keep, role="subject")
    add_person(incident, person=dup, role="subject")
    ident = add_identifier(dup, kind="phone", value="07911 123456", source="R-1")
    with pytest.raises(ValidationError, match="recorded twice"):
        merging.merge_people(survivor=keep, merged=dup, reason="Same", user=supervisor)
    assert IncidentPerson.objects.filter(person=dup).count() == 1
    assert PersonIdentifier.objects.get(pk=ident.pk).person == dup
    assert not PersonMerge.objects.exists() and not Person.objects.filter(merged_into=keep).exists()


def test_a_merge_needs_a_reason(pair, supervisor):
    keep, dup = pair
    with pytest.raises(ValidationError) as caught:
        merging.merge_people(survivor=keep, merged=dup, reason="  ", user=supervisor)
    assert "reason" in caught.value.message_dict


def test_the_merge_pages_confirm_then_merge_and_undo(client_as, pair, supervisor):
    keep, dup = pair
    client = client_as(user=supervisor)
    page = client.get(f"/people/{keep.pk}/merge/")
    assert page.status_code == 200 and b"Merge the records" in page.content
    refused = client.post(f"/people/{keep.pk}/merge/", {"merged": keep.pk, "reason": "x"})
    assert refused.status_code == 400 and b"merged into themselves" in refused.content
    done = client.post(f"/people/{keep.pk}/merge/", {"merged": dup.pk, "reason": "Same DOB"})
    assert done.status_code == 302
    merge = PersonMerge.objects.get()
    shown = client.get(f"/people/{keep.pk}/")
    assert (
        b"merged into" in shown.content
        and f"/people/merges/{merge.pk}/undo/".encode() in shown.content
    )
    undone = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "Not the same"})
    assert undone.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into is None


def test_only_a_supervisor_may_merge(client_as, pair):
    keep, dup = pair
    client = client_as("investigator")
    assert client.get(f"/people/{keep.pk}/merge/").status_code == 404
    response = send(
        client, "POST", f"/api/people/people/{keep.pk}/merge", {"merged": dup.pk, "reason": "x"}
    )
    assert response.status_code == 404
    assert not PersonMerge.objects.exists()


def test_the_api_merges_and_undoes(client_as, pair, supervisor):
    keep, dup = pair
    client = client_as(user=supervisor)
    itself = send(
        client, "POST", f"/api/people/people/{keep.pk}/merge", {"merged": keep.pk, "reason": "x"}
    )
    assert itself.status_code == 422 and field_of(itself) == ["merged"]
    made = send(
        client, "POST", f"/api/people/people/{keep.pk}/merge", {"merged": dup.pk, "reason": "Same"}
    )
    assert made.status_code == 201 and made.json()["merged"] == dup.pk
    undo = send(client, "POST", f"/api/people/merges/{made.json()['id']}/undo", {"reason": "No"})
    assert undo.status_code == 200 and undo.json()["undone_at"]
