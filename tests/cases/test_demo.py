"""The demo data: a case in every state, and a re-upload found during active proceedings."""

import io

import pytest
from django.core.management import call_command

from drachma.cases import proceedings, selectors
from drachma.cases.models import Case, Exposure, IncidentOutcome, ProsecutorNotice, Stage


@pytest.mark.django_db
def test_demo_has_a_case_in_every_state():
    call_command("seed_demo", stdout=io.StringIO())
    cases = list(selectors.case_queryset())
    assert {c.stage for c in cases} == set(Stage.values)
    collapsed = next(c for c in cases if c.stage == Stage.COLLAPSED)
    assert collapsed.collapse_reasons == ["Unreliable group evidence"]
    charged = next(c for c in cases if c.stage == Stage.CHARGED)
    assert any(h.is_ahead for h in charged.hearings.all())
    assert all(proceedings.for_case(charged).values())
    assert IncidentOutcome.objects.count() >= 3
    assert Case.objects.count() >= 5
    reupload = Exposure.objects.filter(kind="reupload", during_active_proceedings=True).first()
    assert reupload is not None and reupload.case == charged
    assert reupload.takedown_reference
    assert ProsecutorNotice.objects.filter(exposure=reupload).exists()
    # The charged case's disclosure: certified schedules, one revised, requests and the DMD.
    states = {(s.kind, s.version): s.state for s in charged.schedules.all()}
    assert states[("MG6C", 1)] == "revised" and states[("MG6C", 2)] == "draft"
    assert states[("MG6D", 1)] == "certified"
    assert charged.third_party_requests.count() == 2
    assert charged.dmd.lines_of_enquiry
