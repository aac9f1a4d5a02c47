from drachma.people.services import create_person


def build(world) -> dict:
    person = create_person(given_names="Review", family_name="Sample")
    return {"kind": "people.person", "record_id": str(person.pk)}
