"""The demo's FOI register: answers on time and late, one open past its deadline (announced
once), others still to come."""

import random

import pytest
from django.utils import timezone

from drachma.core.models import Notification
from drachma.core.seeding import DemoContext
from drachma.statistics import demo, selectors
from drachma.statistics.models import FOIRequest


@pytest.mark.django_db
def test_the_demo_register(make_user):
    analyst = make_user("analyst")
    demo.seed(DemoContext(rng=random.Random(1), users={"analyst": [analyst]}))
    figures = selectors.foi_timeliness()
    assert figures.received == len(demo.PLAN)
    assert figures.on_time >= 3 and figures.late >= 1 and figures.overdue == 1
    assert FOIRequest.objects.filter(exemptions__isnull=False).exists()
    for request in FOIRequest.objects.filter(status="answered"):
        steps = list(request.events.values_list("transition", "at"))
        assert [s for s, _ in steps] == ["record", "answer"] and steps[0][1] < steps[1][1]
        assert request.answered_at.date() <= timezone.localdate()
    assert Notification.objects.filter(subject__contains="is overdue").count() == 1
