"""`manage.py seed_demo`: the synthetic demo data set from a fixed seed, loaded once by
`make run`."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from drachma.accounts.demo import DEMO_USERS
from drachma.audit.services import verify_chain
from drachma.core.roles import Role
from drachma.groups.demo import DEMO_GROUPS
from drachma.groups.models import Group
from drachma.incidents.models import Incident, IncidentPerson, LinkedCase
from drachma.intelligence.models import IntelligenceEntry
from drachma.people.demo import FAMILY, GIVEN
from drachma.people.models import Person


@pytest.mark.django_db
def test_seed_demo_makes_the_documented_data_set_once():
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "Demo data loaded: 12 groups" in out.getvalue()

    # About a dozen groups, each with aliases or accounts; none a real group's name.
    assert Group.objects.count() == 12
    assert set(Group.objects.values_list("name", flat=True)) == {row[0] for row in DEMO_GROUPS}
    assert Group.objects.filter(accounts__isnull=False).distinct().count() == 12

    # A few hundred incidents from 2017 to now.
    incidents = Incident.objects.all()
    assert 300 <= incidents.count() <= 600
    first = timezone.localtime(incidents.order_by("occurred_at").first().occurred_at)
    last = incidents.order_by("-occurred_at").first().occurred_at
    assert first.year == 2017
    assert timezone.now() - last < datetime.timedelta(days=60) and last <= timezone.now()
    assert (
        incidents.filter(occurred_at__year=2017).exists()
        and incidents.filter(occurred_at__year=timezone.localdate().year).exists()
    )
    years = set(incidents.values_list("occurred_at__year", flat=True))
    assert years >= set(range(2017, timezone.localdate().year + 1))

    # Spread over all ten boroughs (and some outside), Manchester, Rochdale and Salford busiest.
    by_borough = list(
        incidents.exclude(borough=None)
        .values("borough__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    assert len(by_borough) == 10
    assert [row["borough__name"] for row in by_borough[:3]] == ["Manchester", "Rochdale", "Salford"]
    assert incidents.filter(borough=None).exclude(place="").exists()
    # 2017-2018 follow the published FOI answer's shape: 146 reports, 129 in Greater Manchester.
    foi = incidents.filter(occurred_at__lt=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC))
    assert (foi.count(), foi.exclude(borough=None).count()) == (146, 129)

    # People, their roles in incidents, linked cases, intelligence at every workflow stage.
    assert Person.objects.count() >= 200
    assert {"subject", "family", "group_member", "child_at_risk"} <= set(
        IncidentPerson.objects.values_list("role", flat=True)
    )
    assert LinkedCase.objects.exists()
    assert set(IntelligenceEntry.objects.values_list("status", flat=True)) == {
        "requires_assessment",
        "assessed",
        "linked",
        "returned",
    }

    # One demo user per role, all signing in with the demo password.
    users = get_user_model().objects.filter(username__in=[row[0] for row in DEMO_USERS])
    roles = set(users.values_list("groups__name", flat=True))
    assert roles == set(Role.values)
    assert users.get(username="analyst").check_password("drachma-demo-2026")

    # No real person's name: every person is a combination of the invented lists.
    for given, family in Person.objects.values_list("given_names", "family_name"):
        assert given in GIVEN and family in FAMILY
    assert not Person.objects.exclude(postcode__endswith="XX").exists()  # no real postcode

    # The audit chain holds across the whole load, attributed to the command.
    checked, problem = verify_chain()
    assert problem is None and checked > 1000

    # Loaded once: a second `make run` changes nothing.
    counts = (
        Group.objects.count(),
        Incident.objects.count(),
        Person.objects.count(),
        get_user_model().objects.count(),
    )
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert out.getvalue().strip() == "Demo data already loaded."
    assert counts == (
        Group.objects.count(),
        Incident.objects.count(),
        Person.objects.count(),
        get_user_model().objects.count(),
    )

    # print_demo_logins lists every demo user and the administrator's second factor.
    out = StringIO()
    call_command("print_demo_logins", stdout=out)
    text = out.getvalue()
    assert "password for all: drachma-demo-2026" in text
    for username, *_ in DEMO_USERS:
        assert f"  {username} " in text
    assert "second factor: TOTP key" in text
