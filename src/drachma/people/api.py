"""The people API. Restricted and audited: every read of a person is written to the audit
log, and a person's date of birth, address and postcode are returned only to roles with
``people.view_person_identifiers`` (for others they are null)."""

import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from drachma.core.access import get_or_404
from drachma.core.apitools import Allow
from drachma.core.choices import Platform
from drachma.core.identifiers import IdentifierKind
from drachma.core.paging import ListingPagination
from drachma.people import merging, selectors, services
from drachma.people.models import Person, PersonMerge
from drachma.people.selectors import IDENTIFIERS, IDENTIFIERS_PERM

router = Router()


class PersonFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Words of the name or 'also known as'")


class PersonOut(Schema):
    id: int
    given_names: str
    family_name: str
    full_name: str
    known_as: str
    date_of_birth: datetime.date | None = Field(
        None, description="Null unless your role may see identifiers"
    )
    address: str | None = Field(None, description="Null unless your role may see identifiers")
    postcode: str | None = Field(None, description="Null unless your role may see identifiers")
    flag_learning_disability: bool
    flag_mental_ill_health: bool
    flag_self_harm: bool
    flag_children_in_household: bool
    flag_other: bool
    flag_other_text: str
    vulnerabilities: list[str]
    notes: str
    mopi_group: int
    review_date: datetime.date
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PersonIn(Schema):
    given_names: str = Field(max_length=100, min_length=1)
    family_name: str = Field(max_length=100, min_length=1)
    known_as: str = Field("", max_length=200)
    date_of_birth: datetime.date | None = None
    address: str = Field("", max_length=500)
    postcode: str = Field("", max_length=10)
    flag_learning_disability: bool = False
    flag_mental_ill_health: bool = False
    flag_self_harm: bool = False
    flag_children_in_household: bool = False
    flag_other: bool = False
    flag_other_text: str = Field("", max_length=300)
    notes: str = Field("", max_length=5000)
    mopi_group: int = Field(4, ge=1, le=4)
    review_date: datetime.date | None = None
    confirm_not_duplicate: bool = Field(
        False, description="Save although possible duplicates were found (after checking them)"
    )


class PersonPatch(Schema):
    given_names: str | None = Field(None, max_length=100, min_length=1)
    family_name: str | None = Field(None, max_length=100, min_length=1)
    known_as: str | None = Field(None, max_length=200)
    date_of_birth: datetime.date | None = None
    address: str | None = Field(None, max_length=500)
    postcode: str | None = Field(None, max_length=10)
    flag_learning_disability: bool | None = None
    flag_mental_ill_health: bool | None = None
    flag_self_harm: bool | None = None
    flag_children_in_household: bool | None = None
    flag_other: bool | None = None
    flag_other_text: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=5000)
    mopi_group: int | None = Field(None, ge=1, le=4)
    review_date: datetime.date | None = None


class PersonInvolvementOut(Schema):
    incident: str = Field(alias="incident.reference")
    occurred_at: datetime.datetime = Field(alias="incident.occurred_at")
    kind: str = Field(alias="incident.kind")
    incident_status: str = Field(alias="incident.status")
    role: str
    notes: str


class DuplicateQuery(Schema):
    given_names: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    date_of_birth: datetime.date | None = None
    postcode: str = Field("", max_length=10)


class DuplicateOut(Schema):
    person: PersonOut
    score: float
    reasons: list[str]


class DuplicatesFound(Schema):
    errors: list[dict]
    duplicates: list[DuplicateOut]


def _refuse_identifiers(request, data: dict) -> None:
    """A role that may not see identifiers may not write them either."""
    if request.user.has_perm(IDENTIFIERS_PERM):
        return
    given = [n for n in IDENTIFIERS if data.get(n) not in (None, "")]
    if given:
        raise ValidationError(
            {n: "Your role may not record a person's identifiers." for n in given}
        )


def _duplicates(request, **query) -> list[dict]:
    return [
        {"person": d.person, "score": d.score, "reasons": d.reasons}
        for d in selectors.duplicates_for(request.user, **query)
    ]


@router.get("/people", response=list[PersonOut], auth=Allow("people.view_person"))
@paginate(ListingPagination)
def list_people(request, filters: PersonFilters = Query(...)):
    listing = selectors.people_for(request.user, (filters.q or "").strip())
    # A restricted person (DPA 2018 s.47(2)) is held but not used: left out of the list.
    listing.queryset = selectors.usable_by(request.user, listing.queryset)
    return listing


@router.get(
    "/people/duplicates",
    response=list[DuplicateOut],
    auth=Allow("people.add_person"),
    description="Possible duplicates of a person about to be entered: close names, the same "
    "date of birth, the same postcode. Each person shown is audited.",
)
def possible_duplicates(request, query: DuplicateQuery = Query(...)):
    return _duplicates(
        request,
        given_names=query.given_names,
        family_name=query.family_name,
        date_of_birth=query.date_of_birth,
        postcode=query.postcode,
    )


@router.post(
    "/people",
    response={201: PersonOut, 409: DuplicatesFound},
    auth=Allow("people.add_person"),
    description="Answers 409 with the possible duplicates unless confirm_not_duplicate is true.",
)
def create_person(request, payload: PersonIn):
    data = payload.dict()
    confirmed = data.pop("confirm_not_duplicate")
    _refuse_identifiers(request, data)
    if not confirmed:
        duplicates = _duplicates(
            request,
            given_names=data["given_names"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
        )
        if duplicates:
            return Status(
                409,
                {
                    "errors": [
                        {
                            "field": "confirm_not_duplicate",
                            "message": (
                                "This person may already be recorded: check the duplicates, then "
                                "send confirm_not_duplicate: true to save anyway."
                            ),
                        }
                    ],
                    "duplicates": duplicates,
                },
            )
    person = services.create_person(user=request.user, **data)
    return Status(201, selectors.shown_person(request.user, person))


@router.get(
    "/people/{int:person_id}", response=PersonOut, auth=Allow("people.view_person", hide=True)
)
def get_person(request, person_id: int):
    person = get_or_404(Person, pk=person_id)
    if selectors.restriction_hiding(request.user, person) is not None:
        raise HttpError(
            409,
            f"Person {person_id}'s processing is restricted (Data Protection Act 2018 s.47(2)): "
            "the record is held but not used.",
        )
    return selectors.person_for(request.user, person_id)


@router.patch(
    "/people/{int:person_id}", response=PersonOut, auth=Allow("people.change_person", hide=True)
)
def update_person(request, person_id: int, payload: PersonPatch):
    person = get_or_404(Person, pk=person_id)
    data = payload.dict(exclude_unset=True)
    _refuse_identifiers(request, data)
    person = services.update_person(person, user=request.user, **data)
    return selectors.shown_person(request.user, person)


@router.get(
    "/people/{int:person_id}/incidents",
    response=list[PersonInvolvementOut],
    auth=Allow("people.view_person", "incidents.view_incidentperson", hide=True),
    description="The incidents the person is involved in, with their role; newest first.",
)
def person_incidents(request, person_id: int):
    return selectors.involvements_for(request.user, person_id)


class PersonIdentifierOut(Schema):
    id: int
    kind: str
    platform: str
    value: str = Field(description="As given")
    normalized: str = Field(description="In Drachma's one spelling (core.identifiers)")
    source: str


class PersonIdentifierIn(Schema):
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=500)
    platform: Platform | None = None
    source: str = Field(min_length=1, max_length=300, description="Where it came from")


class PersonMergeIn(Schema):
    merged: int = Field(description="The duplicate person, merged into this one")
    reason: str = Field(min_length=1, max_length=2000)


class PersonMergeOut(Schema):
    id: int
    survivor: int = Field(alias="survivor_id")
    merged: int = Field(alias="merged_id")
    reason: str
    links_moved: int
    merged_at: datetime.datetime
    undone_at: datetime.datetime | None


class PersonMergeUndoIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


def _merge_out(merge: PersonMerge) -> dict:
    return {
        "id": merge.pk,
        "survivor_id": merge.survivor_id,
        "merged_id": merge.merged_id,
        "reason": merge.reason,
        "links_moved": len(merge.moved),
        "merged_at": merge.merged_at,
        "undone_at": merge.undone_at,
    }


@router.get(
    "/people/{int:person_id}/identifiers",
    response=list[PersonIdentifierOut],
    auth=Allow("people.view_person", IDENTIFIERS_PERM, hide=True),
    description="The person's phone numbers, e-mail addresses, handles and profile URLs.",
)
def person_identifiers(request, person_id: int):
    return selectors.identifiers_for(request.user, get_or_404(Person, pk=person_id))


@router.post(
    "/people/{int:person_id}/identifiers",
    response={201: PersonIdentifierOut},
    auth=Allow("people.change_person", IDENTIFIERS_PERM, hide=True),
    description="422 naming the field when the value does not normalise for its kind.",
)
def add_person_identifier(request, person_id: int, payload: PersonIdentifierIn):
    person = get_or_404(Person, pk=person_id)
    found = services.add_identifier(
        person,
        user=request.user,
        kind=payload.kind,
        value=payload.value,
        platform=payload.platform or "",
        source=payload.source,
    )
    return Status(201, found)


@router.post(
    "/people/{int:person_id}/merge",
    response={201: PersonMergeOut},
    auth=Allow("people.merge_person", hide=True),
    description="Merge the duplicate ``merged`` into this person: every link moves here. 422 "
    "for a merge into itself or with a record already merged.",
)
def merge_person(request, person_id: int, payload: PersonMergeIn):
    survivor = get_or_404(Person, pk=person_id)
    merged = Person.objects.filter(pk=payload.merged).first()
    if merged is None:
        raise ValidationError({"merged": f"There is no person {payload.merged}."})
    done = merging.merge_people(
        survivor=survivor, merged=merged, reason=payload.reason, user=request.user
    )
    return Status(201, _merge_out(done))


@router.post(
    "/merges/{int:merge_id}/undo",
    response=PersonMergeOut,
    auth=Allow("people.merge_person", hide=True),
    description="Put back every link the merge moved. 422 when it is already undone.",
)
def undo_person_merge(request, merge_id: int, payload: PersonMergeUndoIn):
    done = merging.undo_merge(
        get_or_404(PersonMerge, pk=merge_id), reason=payload.reason, user=request.user
    )
    return _merge_out(done)
