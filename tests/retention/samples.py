import datetime

from django.utils import timezone

from drachma.people.services import create_person


def build(world) -> dict:
    # Due yesterday: the list of records due shows it (by name), so a view is recorded.
    person = create_person(
        given_names="Review",
        family_name="Sample",
        review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    return {"kind": "people.person", "record_id": str(person.pk)}
