from django.db import transaction

from drachma.people.models import Person, PersonIdentifier

EDITABLE_FIELDS = {
    "given_names",
    "family_name",
    "known_as",
    "date_of_birth",
    "address",
    "postcode",
    "flag_learning_disability",
    "flag_mental_ill_health",
    "flag_self_harm",
    "flag_children_in_household",
    "flag_other",
    "flag_other_text",
    "notes",
    "mopi_group",
    "review_date",
}


def _apply(person: Person, fields: dict) -> None:
    from django.core.exceptions import ValidationError

    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({f: "This field cannot be set." for f in sorted(unknown)})
    for name, value in fields.items():
        setattr(
            person,
            name,
            value if value is not None or name in {"date_of_birth", "review_date"} else "",
        )
    person.postcode = person.postcode.strip().upper()


@transaction.atomic
def create_person(*, user=None, **fields) -> Person:
    person = Person()
    _apply(person, fields)
    person.full_clean(exclude=["review_date"])
    person.save()
    return person


@transaction.atomic
def update_person(person: Person, *, user=None, **fields) -> Person:
    _apply(person, fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def delete_person(person: Person, *, user=None) -> None:
    """Erase a person's record (audited by the delete signal). Refused, naming what still
    uses it, while another record refers to the person (an incident, a case, an action)."""
    from django.core.exceptions import ValidationError
    from django.db.models import ProtectedError

    name = person.full_name
    try:
        with transaction.atomic():
            person.delete()
    except ProtectedError as exc:
        uses = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise ValidationError(
            {
                "person": f"{name} cannot be erased while other records refer to them "
                f"({', '.join(uses)}): erase or unlink those first."
            }
        ) from None


def _refuse_merged(person: Person, field: str = "person") -> None:
    from django.core.exceptions import ValidationError

    if person.merged_into_id:
        raise ValidationError(
            {
                field: f"{person} was merged into person {person.merged_into_id}: add it to "
                "that record."
            }
        )


@transaction.atomic
def add_identifier(
    person: Person, *, kind: str, value: str, source: str, platform: str = "", user=None
) -> PersonIdentifier:
    """Record that ``person`` is known by an identifier. ValidationError naming the field when
    the value does not normalise (``core.identifiers``), has no source, or is already
    recorded for them."""
    from django.core.exceptions import ValidationError

    _refuse_merged(person)
    identifier = PersonIdentifier(
        person=person,
        kind=kind,
        platform=platform or "",
        value=(value or "").strip(),
        source=(source or "").strip(),
        added_by=user,
    )
    identifier.full_clean(exclude=["person", "added_by", "normalized"], validate_constraints=False)
    if PersonIdentifier.objects.filter(
        person=person,
        kind=identifier.kind,
        platform=identifier.platform,
        normalized=identifier.normalized,
    ).exists():
        raise ValidationError({"value": f"{person} already has {identifier.normalized}."})
    identifier.save()
    return identifier


@transaction.atomic
def remove_identifier(identifier: PersonIdentifier, *, user=None) -> None:
    identifier.delete()
