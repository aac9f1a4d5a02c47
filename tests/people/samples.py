from drachma.people.merging import merge_people
from drachma.people.services import add_identifier, create_person


def build(world) -> dict:
    person = create_person(given_names="Matrix", family_name="Person")
    identifier = add_identifier(person, kind="phone", value="07911 123456", source="Matrix")
    survivor = create_person(given_names="Matrix", family_name="Survivor")
    duplicate = create_person(given_names="Matrix", family_name="Duplicate")
    merge = merge_people(survivor=survivor, merged=duplicate, reason="Matrix")
    return {"person_id": person.pk, "identifier_id": identifier.pk, "merge_id": merge.pk}
