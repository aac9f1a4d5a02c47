import pytest
from django.core.management import call_command

from drachma.areas.loading import CITY_CENTRE_DISTRICT
from drachma.areas.models import Borough, District, Ward


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_geography_back():
    # Transactional tests and `manage.py flush` empty every table; incidents need the areas.
    call_command("flush", interactive=False, verbosity=0)
    assert Borough.objects.count() == 10
    assert Ward.objects.count() == 215
    assert District.objects.get(name=CITY_CENTRE_DISTRICT).wards.count() == 12


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    from drachma.areas.loading import load_greater_manchester

    load_greater_manchester(Borough, Ward, District)
    assert Borough.objects.count() == 10
    assert Ward.objects.count() == 215
    assert Borough.objects.get(code="E08000003").name == "Manchester"
