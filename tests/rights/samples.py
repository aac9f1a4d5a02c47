import datetime

from django.contrib.contenttypes.models import ContentType

from drachma.rights import services
from drachma.rights.models import RightsRequestItem


def build(world) -> dict:
    # A registered access request nobody in the sample data matches (its search is refused),
    # with one item, so that the per-record pages have something to name.
    request = services.register_request(
        user=world.users["supervisor"],
        right="access",
        received_on=datetime.date(2026, 3, 2),
        requester_name="Sample Requester",
        requester_date_of_birth=datetime.date(1980, 1, 1),
        identity_check="photo_id",
    )
    item = RightsRequestItem.objects.create(
        request=request,
        content_type=ContentType.objects.get_for_model(type(request)),
        object_id=request.pk,
        kind="Sample",
        summary="A sample record",
        matched_on="sample",
    )
    return {"rights_reference": request.reference, "item_id": item.pk}
