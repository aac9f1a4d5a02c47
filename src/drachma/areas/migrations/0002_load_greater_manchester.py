from django.db import migrations


def load(apps, schema_editor):
    from drachma.areas import geography

    Borough = apps.get_model("areas", "Borough")
    Ward = apps.get_model("areas", "Ward")
    District = apps.get_model("areas", "District")
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
        name="Manchester city centre and north Manchester",
        defaults={"description": "Police district within the City of Manchester."},
    )
    district.wards.set(
        Ward.objects.filter(
            borough__code="E08000003", name__in=geography.CITY_CENTRE_AND_NORTH_MANCHESTER
        )
    )


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
