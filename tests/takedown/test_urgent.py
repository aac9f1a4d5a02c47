"""Raising an open takedown request to urgent (the cases app's publication monitor uses it)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.takedown import services
from tests.workflows import put_in_state


@pytest.mark.django_db
def test_an_open_request_becomes_due_now_with_the_reason_audited(make_item, investigator):
    request = services.open_request(make_item(), user=investigator)
    assert request.deadline > timezone.now()
    now = timezone.now()
    services.raise_to_urgent(request, user=investigator, reason="Proceedings active", at=now)
    request.refresh_from_db()
    assert request.deadline == now and request.state == "identified"
    entry = AuditEntry.objects.filter(model="takedown.takedownrequest", action="decision").last()
    assert entry.changes["decision"] == "urgent"
    assert entry.changes["reason"] == "Proceedings active"


@pytest.mark.django_db
def test_an_earlier_deadline_is_kept_and_bad_input_refused(make_item, investigator):
    request = services.open_request(make_item(), user=investigator)
    past = timezone.now() - datetime.timedelta(days=2)
    request = put_in_state(request, state="removal_asked", deadline=past)
    services.raise_to_urgent(request, user=investigator, reason="Again")
    request.refresh_from_db()
    assert request.deadline == past
    with pytest.raises(ValidationError) as exc:
        services.raise_to_urgent(request, user=investigator, reason=" ")
    assert "reason" in exc.value.message_dict
    closed = put_in_state(request, state="closed", deadline=None)
    with pytest.raises(ValidationError) as exc:
        services.raise_to_urgent(closed, user=investigator, reason="Why")
    assert "request" in exc.value.message_dict
