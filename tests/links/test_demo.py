"""The demo data gives the link chart real structure: groups sharing members and accounts,
and men confronted by more than one group."""

import io

import pytest
from django.core.management import call_command

from drachma.groups.models import Group
from drachma.links import analysis, selectors


@pytest.mark.django_db
def test_the_demo_groups_share_members_and_accounts(make_user):
    call_command("seed_demo", stdout=io.StringIO())
    supervisor = make_user("supervisor")
    shared = analysis.shared_groups(supervisor)
    assert sum(1 for p in shared if p["members"]) >= 4
    assert sum(1 for p in shared if p["handles"]) >= 2
    assert len(analysis.suspects_confronted_by_several(supervisor)) >= 4
    first = Group.objects.get(name="Northern Decoy Watch")
    chart = selectors.chart_for(supervisor, f"group:{first.pk}", depth=2)
    assert sum(1 for n in chart.nodes.values() if n.type == "group") >= 2
    assert analysis.measures(chart).communities >= 2
