"""Loading the Greater Manchester boroughs, wards and the force's district into the database."""

from django.db import DatabaseError, transaction

from drachma.areas import geography

CITY_CENTRE_DISTRICT = "Manchester city centre and north Manchester"


def load_greater_manchester(Borough, Ward, District) -> None:
    """Create or update the ten boroughs, their wards and the city-centre district.

    Takes the model classes so that the data migration can pass its historical models.
    """
    with transaction.atomic():
        boroughs = {}
        for row in geography.borough_rows():
            boroughs[row["code"]], _ = Borough.objects.update_or_create(
                code=row["code"],
                defaults={k: row[k] for k in ("name", "population", "boundary")},
            )
        for row in geography.ward_rows():
            Ward.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "borough": boroughs[row["borough_code"]],
                    "boundary": row["boundary"],
                    "centroid_lat": row["centroid_lat"],
                    "centroid_lon": row["centroid_lon"],
                },
            )
        district, _ = District.objects.get_or_create(
            name=CITY_CENTRE_DISTRICT,
            defaults={"description": "Police district within the City of Manchester."},
        )
        district.wards.set(
            Ward.objects.filter(
                borough__code="E08000003", name__in=geography.CITY_CENTRE_AND_NORTH_MANCHESTER
            )
        )


def ensure_loaded(**kwargs) -> None:
    """After migrate or a test database flush, put the reference geography back if it is gone.

    The data migration loads it once; a flush (transactional tests, ``manage.py flush``) empties
    the tables without re-running migrations, and every incident's area depends on them.
    """
    from drachma.areas.models import Borough, District, Ward

    try:
        if Borough.objects.exists():
            return
    except DatabaseError:  # migrated back before the tables exist
        return
    load_greater_manchester(Borough, Ward, District)
