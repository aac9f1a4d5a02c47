"""The intelligence workflow: requires assessment, assessed (requires linking), linked; returned
for correction. Every transition is tried from every state; each step is logged."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.incidents.services import create_incident
from drachma.intelligence.models import IntelligenceEntry, IntelligenceEvent, IntelligenceStatus
from drachma.intelligence.services import transition_entry, update_entry
from drachma.intelligence.workflow import INTELLIGENCE_WORKFLOW
from tests.factories import ago, make_entry, make_group

pytestmark = pytest.mark.django_db
S = IntelligenceStatus
ALLOWED = {
    (S.REQUIRES_ASSESSMENT, "assess", S.ASSESSED),
    (S.REQUIRES_ASSESSMENT, "return_for_correction", S.RETURNED),
    (S.ASSESSED, "return_for_correction", S.RETURNED),
    (S.ASSESSED, "link", S.LINKED),
    (S.RETURNED, "resubmit", S.REQUIRES_ASSESSMENT),
    # Taken by editing the grading or text of an assessed entry (tests/intelligence/test_rules.py).
    (S.ASSESSED, "send_back_for_assessment", S.REQUIRES_ASSESSMENT),
}
ACTIONS = ["assess", "return_for_correction", "resubmit", "link"]


@pytest.fixture
def people(analyst, supervisor):
    return {"author": analyst, "assessor": supervisor}


def entry_in(state, author, *, group=True) -> IntelligenceEntry:
    # Put straight into the state under test; the walk below tests the moves themselves.
    return make_entry(
        author,
        state=state,
        group=make_group(f"G{IntelligenceEntry.objects.count()}") if group else None,
        learned_at=ago(days=3),
        text="Seen.",
        sanitised_text="A group was seen.",
    )


def test_the_declared_machine_is_the_documented_one():
    assert {(str(s), t, str(d)) for s, t, d in ALLOWED} == INTELLIGENCE_WORKFLOW.pairs()


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_from_every_state(people, state, action):
    entry = entry_in(state, people["author"])
    # Resubmission is the author's; the other moves are someone else's.
    user = people["author"] if action == "resubmit" else people["assessor"]
    allowed = {(s, a): d for s, a, d in ALLOWED}
    if (state, action) in allowed:
        moved = transition_entry(
            entry,
            action,
            user=user,
            note="Remove the name." if action == "return_for_correction" else "",
        )
        assert moved.status == allowed[(state, action)]
        event = IntelligenceEvent.objects.get(entry=entry)
        assert (event.transition, event.from_state, event.to_state, event.by) == (
            action,
            state,
            allowed[(state, action)],
            user,
        )
    else:
        with pytest.raises(ValidationError) as exc:
            transition_entry(entry, action, user=user, note="n")
        assert "transition" in exc.value.message_dict
        assert "cannot" in exc.value.message_dict["transition"][0]
        entry.refresh_from_db()
        assert entry.status == state
        assert not IntelligenceEvent.objects.exists()


def test_an_unknown_transition_is_refused(people):
    entry = entry_in(S.REQUIRES_ASSESSMENT, people["author"])
    with pytest.raises(ValidationError) as exc:
        transition_entry(entry, "approve", user=people["assessor"])
    assert "no transition called 'approve'" in exc.value.message_dict["transition"][0]


def test_the_full_path_with_a_return_for_correction(people):
    author, assessor = people["author"], people["assessor"]
    entry = entry_in(S.REQUIRES_ASSESSMENT, author)
    transition_entry(
        entry, "return_for_correction", user=assessor, note="Remove the source's name."
    )
    entry.refresh_from_db()
    assert entry.status == S.RETURNED and entry.returned_reason == "Remove the source's name."
    update_entry(entry, user=author, sanitised_text="A source says a group was seen.")
    transition_entry(entry, "resubmit", user=author)
    transition_entry(entry, "assess", user=assessor)
    transition_entry(entry, "link", user=assessor)
    entry.refresh_from_db()
    assert entry.status == S.LINKED
    assert list(entry.events.values_list("transition", flat=True)) == [
        "return_for_correction",
        "resubmit",
        "assess",
        "link",
    ]


def test_only_roles_with_the_assess_permission_assess(people, make_user):
    entry = entry_in(S.REQUIRES_ASSESSMENT, people["author"])
    with pytest.raises(ValidationError) as exc:
        transition_entry(entry, "assess", user=make_user("investigator"))
    assert exc.value.message_dict["transition"] == [
        "intelligence: your role may not mark assessed."
    ]
    transition_entry(entry, "assess", user=make_user("analyst"))  # another analyst may


def test_the_author_does_not_assess_or_link_their_own_entry(people):
    author = people["author"]
    entry = entry_in(S.REQUIRES_ASSESSMENT, author)
    with pytest.raises(ValidationError, match="someone other than its author"):
        transition_entry(entry, "assess", user=author)
    entry = entry_in(S.ASSESSED, author)
    with pytest.raises(ValidationError, match="someone other than its author"):
        transition_entry(entry, "link", user=author)


def test_assessment_needs_the_sanitised_text(people):
    entry = entry_in(S.REQUIRES_ASSESSMENT, people["author"])
    IntelligenceEntry.objects.filter(pk=entry.pk).update(sanitised_text="  ")
    with pytest.raises(ValidationError) as exc:
        transition_entry(entry, "assess", user=people["assessor"])
    assert "sanitised_text" in exc.value.message_dict


def test_returning_needs_a_reason(people):
    entry = entry_in(S.ASSESSED, people["author"])
    with pytest.raises(ValidationError) as exc:
        transition_entry(entry, "return_for_correction", user=people["assessor"], note=" ")
    assert exc.value.message_dict["note"] == ["Say what needs correcting."]


def test_linking_needs_a_group_or_an_incident(people):
    entry = entry_in(S.ASSESSED, people["author"], group=False)
    with pytest.raises(ValidationError) as exc:
        transition_entry(entry, "link", user=people["assessor"])
    assert "incidents" in exc.value.message_dict
    incident = create_incident(
        user=people["author"],
        occurred_at=timezone.now() - datetime.timedelta(days=4),
        source="officer",
        kind="other",
        summary="s",
        place="Bury town centre",
    )
    entry.incidents.add(incident)
    assert transition_entry(entry, "link", user=people["assessor"]).status == S.LINKED


def test_a_linked_entry_is_final(people):
    entry = entry_in(S.LINKED, people["author"])
    with pytest.raises(ValidationError) as exc:
        update_entry(entry, user=people["author"], text="Changed.")
    assert "status" in exc.value.message_dict
    entry.refresh_from_db()
    assert entry.text == "Seen."


def test_the_entry_page_offers_only_the_moves_open_to_the_user(people, client, client_as):
    entry = entry_in(S.REQUIRES_ASSESSMENT, people["author"])
    url = reverse("intelligence:entry_detail", args=[entry.pk])
    page = client_as(user=people["assessor"]).get(url).content.decode()
    assert ">Mark assessed</button>" in page and ">Return for correction</button>" in page
    assert ">Mark linked</button>" not in page
    client.logout()
    page = client_as("investigator").get(url).content.decode()
    assert "Mark assessed" not in page
    client.logout()
    page = client_as(user=people["author"]).get(url).content.decode()
    assert "Mark assessed" not in page and ">Return for correction</button>" in page


def test_a_transition_through_the_page_and_a_refused_one(people, client_as):
    entry = entry_in(S.REQUIRES_ASSESSMENT, people["author"])
    client = client_as(user=people["assessor"])
    response = client.post(
        reverse("intelligence:entry_transition", args=[entry.pk, "assess"]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("intelligence:entry_detail", args=[entry.pk])
    entry.refresh_from_db()
    assert entry.status == S.ASSESSED
    response = client.post(
        reverse("intelligence:entry_transition", args=[entry.pk, "resubmit"]), follow=True
    )
    assert "cannot resubmit from" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == S.ASSESSED
