"""The rights request's machine, transition by transition, and the extension's rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.rights import services
from drachma.rights.models import Decision, RightsState, add_months
from drachma.rights.workflow import RIGHTS
from tests.rights.conftest import register
from tests.workflows import put_in_state

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _params(name):
    return {"ground": "complexity"} if name == "extend" else {}


def test_every_transition_is_walked(handler, world):
    walked = set()
    for source, name, target in sorted(RIGHTS.pairs()):
        request = register(handler, received_on=TODAY)
        if source != RightsState.REGISTERED:
            services.run_search(request, user=handler)  # items to decide
        if name == "answer":
            for item in request.items.all():
                item.decision = Decision.DISCLOSE
                item.save()
        put_in_state(request, state=source)
        RIGHTS.apply(request, name, user=handler, note="Because.", **_params(name))
        request.refresh_from_db()
        assert request.state == target, (source, name)
        event = request.events.last()
        assert (event.transition, event.from_state, event.to_state) == (name, source, target)
        walked.add((source, name, target))
    assert walked == RIGHTS.pairs()


def test_a_closed_request_takes_no_step(handler, world):
    request = register(handler, received_on=TODAY)
    services.refuse(request, user=handler, reason="Manifestly unfounded (s.53).")
    with pytest.raises(ValidationError) as exc:
        services.run_search(request, user=handler)
    assert "transition" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.extend(request, user=handler, ground="complexity", reason="Complex.")
    assert "Only an open request" in exc.value.message_dict["extension"][0]


def test_an_extension_needs_a_reason_and_nothing_changes_without_one(handler):
    request = register(handler, received_on=TODAY)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.extend(request, user=handler, ground="complexity", reason=reason)
        assert "reason" in exc.value.message_dict
    request.refresh_from_db()
    assert request.extended_to is None and request.extension_reason == ""
    assert request.events.count() == 1


def test_an_extension_adds_two_months_once_on_a_ground_of_the_act(handler):
    request = register(handler, received_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.extend(request, user=handler, ground="busy", reason="We are busy.")
    assert "ground" in exc.value.message_dict
    services.extend(request, user=handler, ground="number", reason="Eleven requests at once.")
    request.refresh_from_db()
    assert request.extended_to == add_months(request.due_on, 2)
    assert request.deadline == request.extended_to
    assert request.extension_reason == "Eleven requests at once."
    with pytest.raises(ValidationError) as exc:
        services.extend(request, user=handler, ground="number", reason="Again.")
    assert "one extension" in exc.value.message_dict["extension"][0]


def test_an_extension_after_the_first_month_is_refused(handler):
    request = register(handler, received_on=TODAY - datetime.timedelta(days=40))
    with pytest.raises(ValidationError) as exc:
        services.extend(request, user=handler, ground="complexity", reason="Complex.")
    assert "s.54(3B)(a)" in exc.value.message_dict["extension"][0]
    request.refresh_from_db()
    assert request.extended_to is None


def test_answering_needs_every_record_decided(handler, world):
    request = register(handler, received_on=TODAY)
    services.run_search(request, user=handler)
    services.finish_search(request, user=handler)
    with pytest.raises(ValidationError) as exc:
        services.answer(request, user=handler)
    assert "without a decision" in exc.value.message_dict["items"][0]
    request.refresh_from_db()
    assert request.state == RightsState.DECIDING
