"""The publication-before-trial monitor: publications and footage matches concerning a
defendant, checked against active proceedings."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from drachma.cases import services, timeline
from drachma.cases.models import Exposure, ProsecutorNotice
from drachma.core.models import Notification
from drachma.takedown import services as takedown
from drachma.takedown.models import PublicationRecord, TakedownRequest
from tests.factories import (
    ago,
    charged_defendant,
    days_ago,
    make_case,
    make_defendant,
    make_incident,
)
from tests.takedown import media_factory as mf

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosure(disclosure_officer):
    return disclosure_officer


@pytest.fixture
def case(investigator, disclosure):
    return make_case(investigator, disclosure)


def _png(seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"p{seed}.png", mf.encode(mf.photo(seed), "PNG"), "image/png")


def _publish(case, user, **fields):
    return takedown.record_publication(
        incident=case.incidents.first(),
        user=user,
        url=fields.pop("url", "https://video.example/clip/1"),
        platform=fields.pop("platform", "youtube"),
        **fields,
    )


def test_a_publication_during_active_proceedings_is_acted_on(investigator, case):
    defendant, _ = charged_defendant(case, investigator)
    record = _publish(case, investigator, found_at=ago(1))
    exposure = Exposure.objects.get()
    assert (exposure.case, exposure.defendant, exposure.kind, exposure.link) == (
        case,
        defendant,
        "publication",
        "incident",
    )
    assert exposure.during_active_proceedings and exposure.active_since == defendant.arrested_at
    # No footage record existed: the monitor made one and opened an urgent takedown request.
    record.refresh_from_db()
    assert record.content_item is not None
    request = TakedownRequest.objects.get(content_item=record.content_item)
    assert exposure.takedown_reference == request.reference
    assert exposure.takedown_action == "opened, urgent"
    assert request.deadline <= timezone.now()
    notice = ProsecutorNotice.objects.get(exposure=exposure)
    assert notice.owner == investigator and notice.is_open
    assert notice.due_at > timezone.now()
    message = Notification.objects.get(recipient=investigator)
    assert case.urn in message.subject and "during active proceedings" in message.subject
    assert defendant.person.family_name not in message.subject + message.body


def test_a_publication_before_any_arrest_is_logged_but_not_acted_on(investigator, case):
    make_defendant(case, investigator)  # not arrested, not charged
    _publish(case, investigator, found_at=ago(1))
    exposure = Exposure.objects.get()
    assert not exposure.during_active_proceedings
    assert not exposure.takedown_reference
    assert not ProsecutorNotice.objects.exists() and not TakedownRequest.objects.exists()


def test_a_publication_after_sentence_is_not_during_proceedings(investigator, case):
    defendant, charge = charged_defendant(case, investigator)
    services.record_result(
        case, user=investigator, charge=charge, result="guilty_plea", decided_on=days_ago(10)
    )
    services.record_sentence(
        defendant, user=investigator, sentenced_on=days_ago(5), sentence="Fine"
    )
    _publish(case, investigator, found_at=ago(1))
    assert not Exposure.objects.get().during_active_proceedings
    # Found (and logged late) for a time when proceedings were active: it counts.
    _publish(case, investigator, url="https://video.example/clip/2", found_at=ago(7))
    assert Exposure.objects.filter(during_active_proceedings=True).count() == 1


def test_a_publication_about_another_incident_is_not_the_case(investigator, case):
    charged_defendant(case, investigator)
    other = make_incident(investigator)
    takedown.record_publication(
        incident=other, user=investigator, url="https://x.example/1", platform="x"
    )
    assert not Exposure.objects.exists()


def test_a_reupload_of_the_case_footage_raises_the_open_request(investigator, case, make_item):
    charged_defendant(case, investigator)
    incident = case.incidents.first()
    data = mf.encode(mf.photo(7), "PNG")
    original = make_item(incident=incident, file=SimpleUploadedFile("o.png", data, "image/png"))
    # The original's own capture concerns the defendant too (through the incident).
    assert Exposure.objects.filter(kind="capture", content_item=original).exists()
    copy = make_item(url="https://tiktok.example/@x/1", platform="tiktok")
    live = takedown.open_request(copy, user=investigator)
    before = live.deadline
    result = takedown.capture(copy, user=investigator, file=SimpleUploadedFile("c.png", data))
    assert result.matches and result.draft is None
    exposure = Exposure.objects.get(content_item=copy)
    assert exposure.kind == "reupload" and exposure.link == "footage"
    assert exposure.match == result.matches[0]
    assert exposure.takedown_reference == live.reference
    assert exposure.takedown_action == "raised to urgent"
    live.refresh_from_db()
    assert live.deadline < before
    assert ProsecutorNotice.objects.filter(exposure=exposure).count() == 1


def test_footage_of_the_group_with_no_incident_concerns_the_defendant(
    investigator, case, make_item
):
    from drachma.groups.services import save_group

    group = save_group(name="Demo Hunters", status="active")
    case.incidents.first().groups.add(group)
    charged_defendant(case, investigator)
    make_item(group=group, file=_png(11))
    exposure = Exposure.objects.get()
    assert exposure.link == "group" and exposure.during_active_proceedings


def test_the_timeline_runs_from_the_sting_to_the_removal(investigator, case):
    defendant, charge = charged_defendant(case, investigator)
    services.add_hearing(
        case,
        user=investigator,
        defendant=defendant,
        court="Bolton Crown Court",
        at=timezone.now() + datetime.timedelta(days=30),
        kind="trial",
    )
    record = _publish(case, investigator, found_at=ago(2))
    record.refresh_from_db()
    request = TakedownRequest.objects.get(content_item=record.content_item)
    takedown.transition_request(request, "ask_group", user=investigator, note="Please remove.")
    takedown.transition_request(request, "group_removed", user=investigator)
    labels = [e["label"] for e in timeline.events(case)]
    assert labels[0] == "Doorstep confrontation"
    assert labels.index("Arrest") < labels.index("Charge") < labels.index("Publication")
    assert labels.index("Publication") < labels.index("Removal") < labels.index("Trial")
    assert [e for e in timeline.events(case) if e["label"] == "Trial"][0]["ahead"]
    assert (
        "During active proceedings"
        in [e for e in timeline.events(case) if e["label"] == "Publication"][0]["text"]
    )


def test_the_prosecutor_told_closes_the_action(client, investigator, case):
    from tests.conftest import sign_in

    charged_defendant(case, investigator)
    _publish(case, investigator, found_at=ago(1))
    notice = ProsecutorNotice.objects.get()
    sign_in(client, investigator)
    page = client.get(f"/cases/{case.urn}/").content.decode()
    assert "Tell the prosecutor of the publication logged" in page
    url = f"/cases/notices/{notice.pk}/done/"
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Phoned the reviewing lawyer."}).status_code == 302
    notice.refresh_from_db()
    assert notice.done_at and notice.done_by == investigator
    with pytest.raises(ValidationError, match="already"):
        services.prosecutor_told(notice, user=investigator, note="Again")


def test_a_refused_publication_leaves_no_finding(investigator, case):
    charged_defendant(case, investigator)
    with pytest.raises(ValidationError) as exc:
        _publish(case, investigator, takedown_reference="FT-0000-000000")
    assert "takedown_reference" in exc.value.message_dict
    assert not Exposure.objects.exists() and not PublicationRecord.objects.exists()


def test_the_officer_sees_the_action_on_the_dashboard(client, investigator, case):
    from tests.conftest import sign_in

    charged_defendant(case, investigator)
    sign_in(client, investigator)
    assert "Publications during active proceedings" not in client.get("/").content.decode()
    _publish(case, investigator, found_at=ago(1))
    page = client.get("/").content.decode()
    assert "Publications during active proceedings" in page and case.urn in page
