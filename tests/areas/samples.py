from drachma.areas.models import District


def build(world) -> dict:
    district = District.objects.order_by("pk").first()
    return {
        "borough_code": "E08000003",
        "ward_code": district.wards.first().code,
        "district_id": district.pk,
    }
