from drachma.people.services import create_person


def build(world) -> dict:
    person = create_person(given_names="Matrix", family_name="Person")
    return {"person_id": person.pk}
