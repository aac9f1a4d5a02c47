"""The demo data: rights requests in different states."""

import io

import pytest
from django.core.management import call_command

from drachma.rights.models import Decision, RightsRequest, RightsState


@pytest.mark.django_db
def test_demo_has_requests_in_different_states():
    call_command("seed_demo", stdout=io.StringIO())
    states = set(RightsRequest.objects.values_list("state", flat=True))
    assert {RightsState.ANSWERED, RightsState.DECIDING, RightsState.REGISTERED} <= states
    answered = RightsRequest.objects.get(state=RightsState.ANSWERED)
    assert answered.items.exists()
    assert not answered.items.filter(decision=Decision.PENDING).exists()
    extended = RightsRequest.objects.get(state=RightsState.DECIDING)
    assert extended.extended_to and extended.extension_reason
