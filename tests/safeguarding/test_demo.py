"""The demo data leaves the safeguarding work queue full on `make run`: assessments (some
overridden, some reassessments), finished work with officer time, and open work past due in
both demo safeguarding officers' queues, already announced once by the deadline sweep."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from drachma.safeguarding import services
from drachma.safeguarding.models import ACTIVE, SafeguardingAction, ThriveAssessment, TimeEntry
from tests.conftest import sign_in


@pytest.mark.django_db
def test_demo_leaves_the_queue_full(client):
    # The whole seed, as `make run` loads it: a later app's demo part must not empty the queue.
    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()

    assessments = ThriveAssessment.objects.all()
    assert assessments.count() >= 50
    overridden = assessments.exclude(override_reason="")
    # An officer's override keeps the proposal beside the grade given.
    assert overridden.exclude(grade=F("proposed_grade")).exists()
    reassessed = assessments.filter(previous__isnull=False)
    assert reassessed.exists() and not reassessed.filter(reason_for_reassessment="").exists()
    assert all(
        a.incident_id == a.previous.incident_id for a in reassessed.select_related("previous")
    )

    actions = SafeguardingAction.objects.all()
    assert {"done", "open"} <= set(actions.values_list("status", flat=True))
    assert TimeEntry.objects.exists()
    # Something still to come beside the overdue work.
    assert actions.filter(status__in=ACTIVE, due_at__gt=now).exists()

    users = get_user_model().objects
    for username in ["safeguarding", "safeguarding2"]:
        officer = users.get(username=username)
        overdue = actions.filter(owner=officer, status__in=ACTIVE, due_at__lt=now)
        assert overdue.exists(), f"{username} has no overdue work in the demo"
        # The demo ran the sweep: the overdue work is announced, and a second sweep adds nothing.
        assert not overdue.filter(overdue_notified_at__isnull=True).exists()
        assert officer.notifications.filter(subject__icontains="overdue").exists()

    assert services.sweep_deadlines() == 0

    # One person through a sting, arrest, release and two publications, with the welfare
    # actions each event started: one completed with its outcome, one escalated.
    from drachma.safeguarding.models import Escalation, ExposureEvent

    events = ExposureEvent.objects.order_by("occurred_at")
    kinds = list(events.values_list("kind", flat=True))
    assert kinds[:4] == ["confrontation", "arrest", "interview", "released_rui"]
    assert kinds.count("publication") == 2
    assert len({e.person_id for e in events}) == 1
    started = SafeguardingAction.objects.filter(exposure__isnull=False)
    assert all(e.actions.exists() for e in events)
    done = started.get(status="done")
    assert done.seen and done.result == "referred" and done.time_entries.exists()
    assert Escalation.objects.filter(action__exposure__isnull=False).exists()

    # And the queue page, as the first demo officer opens it, shows that work first.
    officer = users.get(username="safeguarding")
    sign_in(client, officer)
    response = client.get(reverse("safeguarding:queue") + "?scope=mine")
    assert response.status_code == 200
    assert response.context["mine"]["overdue"] >= 1
    first = response.context["page_obj"][0]
    assert first.owner == officer and first.status in ACTIVE and first.due_at < now
