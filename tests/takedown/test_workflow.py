"""The takedown state machine, transition by transition, and the no-answer sweep."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.takedown import selectors, services
from drachma.takedown.models import TakedownEvent, TakedownRequest, TakedownState
from drachma.takedown.workflow import NOTE_REQUIRED, TAKEDOWN

S = TakedownState
ALL_STATES = [str(s) for s in S]

# A path through the machine from a fresh request (identified, or draft) to each state.
PATHS = {
    "draft": [],
    "identified": ["confirm"],
    "discarded": ["discard"],
    "removal_asked": ["confirm", "ask_group"],
    "removed_by_group": ["confirm", "ask_group", "group_removed"],
    "refused": ["confirm", "ask_group", "group_refused"],
    "no_answer": ["confirm", "ask_group", "no_answer"],
    "reported_to_platform": ["confirm", "ask_group", "group_refused", "report_to_platform"],
    "removed": ["confirm", "ask_group", "group_refused", "report_to_platform", "platform_removed"],
    "rejected": [
        "confirm",
        "ask_group",
        "group_refused",
        "report_to_platform",
        "platform_rejected",
    ],
    "pending": ["confirm", "ask_group", "group_refused", "report_to_platform", "platform_pending"],
    "escalated": [
        "confirm",
        "ask_group",
        "group_refused",
        "report_to_platform",
        "platform_pending",
        "escalate",
    ],
    "closed": ["confirm", "ask_group", "group_removed", "close"],
}


def _step(request, action, user, **kwargs):
    note = kwargs.pop("note", f"Note for {action}.")
    at = kwargs.pop("at", None)
    if action == "no_answer" and at is None:
        at = (request.deadline or timezone.now()) + datetime.timedelta(minutes=1)
    return services.transition_request(request, action, user=user, note=note, at=at, **kwargs)


def _request_in(state, item, user):
    request = services.open_request(item, user=user, draft=True)
    for action in PATHS[state]:
        request = _step(request, action, user)
    assert request.state == state
    return request


def test_paths_cover_every_state():
    assert set(PATHS) == set(ALL_STATES)


@pytest.mark.django_db
@pytest.mark.parametrize("source,action,target", sorted(TAKEDOWN.pairs()))
def test_every_allowed_transition(source, action, target, make_item, investigator):
    request = _request_in(source, make_item(), investigator)
    before = TakedownEvent.objects.filter(request=request).count()
    moved = _step(request, action, investigator, platform_reference="PLAT-123")
    moved.refresh_from_db()
    assert moved.state == target
    event = moved.events.order_by("-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by) == (
        action,
        source,
        target,
        investigator,
    )
    assert moved.events.count() == before + 1


FORBIDDEN = sorted(
    (state, t.name)
    for state in ALL_STATES
    for t in TAKEDOWN.transitions
    if state not in {str(s) for s in t.sources}
)


@pytest.mark.django_db
@pytest.mark.parametrize("state,action", FORBIDDEN)
def test_every_forbidden_transition(state, action, make_item, investigator):
    request = _request_in(state, make_item(), investigator)
    events = request.events.count()
    with pytest.raises(ValidationError) as exc:
        _step(request, action, investigator)
    assert "cannot" in str(exc.value)
    request.refresh_from_db()
    assert request.state == state and request.events.count() == events


@pytest.mark.django_db
def test_a_role_without_the_permission_may_not_step(make_item, investigator, make_user):
    request = services.open_request(make_item(), user=investigator)
    with pytest.raises(ValidationError, match="your role may not"):
        _step(request, "ask_group", make_user("safeguarding_officer"))
    request.refresh_from_db()
    assert request.state == S.IDENTIFIED


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(NOTE_REQUIRED))
def test_steps_that_need_a_note_refuse_an_empty_one(action, make_item, investigator):
    source = next(
        str(s) for t in TAKEDOWN.transitions if t.name == action for s in sorted(t.sources)
    )
    request = _request_in(source, make_item(), investigator)
    with pytest.raises(ValidationError) as exc:
        _step(request, action, investigator, note="  ")
    assert "note" in exc.value.message_dict
    request.refresh_from_db()
    assert request.state == source


@pytest.mark.django_db
def test_the_message_to_the_group_and_the_platform_details_are_kept(make_item, investigator):
    request = services.open_request(make_item(), user=investigator)
    request = _step(
        request, "ask_group", investigator, note="Please remove the video posted on 3 March."
    )
    assert request.group_message == "Please remove the video posted on 3 March."
    assert request.removal_asked_at is not None
    request = _step(request, "group_refused", investigator, note="They said no.")
    request = _step(
        request,
        "report_to_platform",
        investigator,
        note="Harassment and bullying policy",
        platform_reference="YT-998877",
    )
    assert (request.rules_breached, request.platform_reference) == (
        "Harassment and bullying policy",
        "YT-998877",
    )
    assert request.reported_at is not None
    request = _step(request, "platform_removed", investigator)
    assert request.removed_by == "platform" and request.removed_at is not None


@pytest.mark.django_db
def test_deadlines_follow_the_state(make_item, investigator, settings):
    settings.DRACHMA_TAKEDOWN_NO_ANSWER_DAYS = 5
    start = timezone.now()
    request = services.open_request(make_item(), user=investigator, at=start)
    assert request.deadline == start + datetime.timedelta(days=2)
    asked = _step(request, "ask_group", investigator, at=start)
    assert asked.deadline == start + datetime.timedelta(days=5)
    removed = _step(asked, "group_removed", investigator, at=start)
    closed = _step(removed, "close", investigator, at=start)
    assert closed.deadline is None and not closed.is_open


@pytest.mark.django_db
def test_no_answer_by_hand_waits_for_the_deadline(make_item, investigator):
    request = _step(
        services.open_request(make_item(), user=investigator), "ask_group", investigator
    )
    with pytest.raises(ValidationError, match="has until"):
        services.transition_request(request, "no_answer", user=investigator)
    request.refresh_from_db()
    assert request.state == S.REMOVAL_ASKED


@pytest.mark.django_db
def test_the_sweep_moves_a_request_once_however_often_it_runs(make_item, investigator, settings):
    settings.DRACHMA_TAKEDOWN_NO_ANSWER_DAYS = 3
    asked_at = timezone.now() - datetime.timedelta(days=4)
    late = _step(
        services.open_request(make_item(), user=investigator),
        "ask_group",
        investigator,
        at=asked_at,
    )
    waiting = _step(
        services.open_request(make_item(), user=investigator), "ask_group", investigator
    )

    assert services.record_no_answers() == 1
    assert services.record_no_answers() == 0
    from drachma.takedown.tasks import record_no_answers

    assert record_no_answers.call() == 0

    late.refresh_from_db()
    waiting.refresh_from_db()
    assert late.state == S.NO_ANSWER and waiting.state == S.REMOVAL_ASKED
    sweeps = late.events.filter(transition="no_answer")
    assert sweeps.count() == 1
    assert sweeps.get().by is None and sweeps.get().by_description == "the no-answer sweep"
    # The officer who asked is told, once.
    from drachma.core.models import Notification

    told = Notification.objects.filter(recipient=investigator)
    assert told.count() == 1 and late.reference in told.get().subject
    # Past its deadline for the next step (report to the platform) in two days, not before.
    assert late not in selectors.overdue_requests()
    assert late in selectors.overdue_requests(now=timezone.now() + datetime.timedelta(days=3))


@pytest.mark.django_db
def test_the_sweep_is_registered_to_run_periodically():
    from drachma.core.scheduling import PERIODIC
    from drachma.takedown import tasks

    assert any(p.task is tasks.record_no_answers for p in PERIODIC)


@pytest.mark.django_db
def test_the_work_queue_shows_requests_past_their_deadline(make_item, investigator):
    old = services.open_request(
        make_item(), user=investigator, at=timezone.now() - datetime.timedelta(days=3)
    )
    fresh = services.open_request(make_item(), user=investigator)
    closed = services.open_request(
        make_item(), user=investigator, at=timezone.now() - datetime.timedelta(days=30)
    )
    closed = _step(
        _step(_step(closed, "ask_group", investigator), "group_removed", investigator),
        "close",
        investigator,
    )
    queue = list(selectors.overdue_requests())
    assert old in queue and fresh not in queue and closed not in queue
    assert selectors.queue_counts()["overdue"] == 1


@pytest.mark.django_db
def test_one_open_request_per_item(make_item, investigator):
    item = make_item()
    first = services.open_request(item, user=investigator)
    with pytest.raises(ValidationError, match="already has an open takedown request"):
        services.open_request(item, user=investigator)
    _step(
        _step(_step(first, "ask_group", investigator), "group_removed", investigator),
        "close",
        investigator,
    )
    second = services.open_request(item, user=investigator)
    assert second.state == S.IDENTIFIED
    assert TakedownRequest.objects.filter(content_item=item).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://files.example/video.mp4", "file:///etc/passwd", "not a url", ""],
)
def test_a_url_that_is_not_http_is_refused_and_nothing_saved(url, investigator):
    from drachma.takedown.models import ContentItem

    with pytest.raises(ValidationError) as exc:
        services.create_content_item(user=investigator, url=url, platform="tiktok")
    assert "url" in exc.value.message_dict
    assert ContentItem.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_platform_is_refused(investigator):
    with pytest.raises(ValidationError) as exc:
        services.create_content_item(
            user=investigator, url="https://example.com/v", platform="myspace"
        )
    assert "platform" in exc.value.message_dict
