"""Writes to the force's districts (boroughs and wards are ONS data, loaded by migration)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from drachma.areas.models import District, Ward


@transaction.atomic
def save_district(
    district: District | None = None,
    *,
    user=None,
    name: str | None = None,
    description: str | None = None,
    ward_codes: list[str] | None = None,
) -> District:
    """Create or update a district; its wards are named by ONS code. All or nothing."""
    district = district or District()
    if name is not None:
        district.name = name.strip()
    if description is not None:
        district.description = description
    wards = None
    if ward_codes is not None:
        codes = {c.strip().upper() for c in ward_codes if c.strip()}
        wards = list(Ward.objects.filter(code__in=codes))
        missing = codes - {w.code for w in wards}
        if missing:
            raise ValidationError({"wards": f"Unknown ward codes: {', '.join(sorted(missing))}."})
        if not wards:
            raise ValidationError({"wards": "A district has at least one ward."})
    elif district.pk is None:
        raise ValidationError({"wards": "A district has at least one ward."})
    district.full_clean()
    district.save()
    if wards is not None:
        district.wards.set(wards)
    return district
