"""Demo and test data never in a production database: ``seed_demo`` refuses the production
settings unless explicitly forced, and even forced it refuses a database holding any case
record; a forced load is recorded in the audit log."""

import io

import pytest
from django.core.management import CommandError, call_command

from drachma.audit.models import AuditEntry
from drachma.people.models import Person
from drachma.site.management.commands.seed_demo import records_held

pytestmark = pytest.mark.django_db


def test_refused_under_the_production_settings(settings):
    settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="runs only on the development settings"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Person.objects.exists()


def test_forced_it_still_refuses_a_database_in_use(settings, make_user):
    settings.DEVELOPMENT = False
    Person.objects.create(given_names="Real", family_name="Person")
    with pytest.raises(CommandError, match="holds case records.*1 people"):
        call_command("seed_demo", "--force-production-settings", stdout=io.StringIO())
    assert Person.objects.count() == 1
    assert not AuditEntry.objects.filter(model="site.demo").exists()


def test_forced_into_an_empty_database_it_loads_and_is_recorded(settings):
    settings.DEVELOPMENT = False
    assert records_held() == []
    call_command("seed_demo", "--force-production-settings", stdout=io.StringIO())
    assert Person.objects.exists()
    entry = AuditEntry.objects.get(model="site.demo")
    assert entry.actor_username == "seed_demo"
    assert entry.changes["decision"] == "demo data loaded under the production settings"
