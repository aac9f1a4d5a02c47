"""Pages and API for footage and takedown requests (captures are in test_capture.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.takedown import services
from drachma.takedown.models import ContentItem, MatchBank, TakedownRequest
from tests.conftest import sign_in


def _incident(user):
    from drachma.incidents.services import create_incident

    now = timezone.now()
    return create_incident(
        user=user,
        occurred_at=now - datetime.timedelta(days=1),
        received_at=now,
        source="group",
        kind="publication",
        summary="Footage posted.",
        place="Preston",
    )


@pytest.mark.django_db
def test_record_footage_on_the_page_and_see_it(investigator_client, investigator):
    incident = _incident(investigator)
    response = investigator_client.post(
        reverse("takedown:create"),
        {
            "url": "https://www.tiktok.com/@hunters/video/123",
            "platform": "tiktok",
            "account": "@hunters",
            "incident_reference": incident.reference,
            "first_seen_at": "2026-01-05T10:00",
            "views_when_seen": "1200",
        },
    )
    item = ContentItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "takedown:detail", args=[item.reference]
    )
    assert item.incident == incident and item.bank.is_default and item.views_when_seen == 1200
    page = investigator_client.get(response["Location"])
    assert (
        page.status_code == 200
        and "@hunters" in page.text
        and "Open a takedown request" in page.text
    )
    assert AuditEntry.objects.filter(model="takedown.contentitem", action="view").exists()
    listing = investigator_client.get(reverse("takedown:list"), {"platform": "tiktok"})
    assert item.reference in listing.text
    assert (
        item.reference
        not in investigator_client.get(reverse("takedown:list"), {"platform": "youtube"}).text
    )


@pytest.mark.django_db
def test_the_page_refuses_a_bad_address_and_an_unknown_incident(investigator_client):
    response = investigator_client.post(
        reverse("takedown:create"),
        {
            "url": "javascript:alert(1)",
            "platform": "tiktok",
            "incident_reference": "IN-1999-000001",
            "first_seen_at": "2026-01-05T10:00",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.text or "http://" in response.text
    assert "There is no incident IN-1999-000001" in response.text
    assert ContentItem.objects.count() == 0


@pytest.mark.django_db
def test_work_a_request_through_the_pages(investigator_client, make_item):
    item = make_item()
    investigator_client.post(
        reverse("takedown:open_request", args=[item.reference]), {"note": "Shows a doorstep."}
    )
    request = TakedownRequest.objects.get()
    url = reverse("takedown:transition", args=[request.reference, "ask_group"])
    investigator_client.post(url, {"note": ""})
    request.refresh_from_db()
    assert request.state == "identified"  # the message is required
    investigator_client.post(url, {"note": "Please take down the video of 4 January."})
    request.refresh_from_db()
    assert request.state == "removal_asked" and request.group_message.startswith("Please")
    page = investigator_client.get(reverse("takedown:detail", args=[item.reference]))
    assert (
        "Please take down the video" in page.text and "Record that the group refused" in page.text
    )
    forbidden = investigator_client.post(
        reverse("takedown:transition", args=[request.reference, "close"]), follow=True
    )
    assert "cannot close" in forbidden.text
    request.refresh_from_db()
    assert request.state == "removal_asked"


@pytest.mark.django_db
def test_readers_cannot_work_requests(client, make_user, make_item, investigator):
    item = make_item()
    request = services.open_request(item, user=investigator)
    sign_in(client, make_user("safeguarding_officer"))
    assert client.get(reverse("takedown:detail", args=[item.reference])).status_code == 200
    response = client.post(
        reverse("takedown:transition", args=[request.reference, "ask_group"]), {"note": "x"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == "identified"


@pytest.mark.django_db
def test_work_queue_page(investigator_client, make_item, investigator):
    late = services.open_request(
        make_item(), user=investigator, at=timezone.now() - datetime.timedelta(days=5)
    )
    fresh = services.open_request(make_item(), user=investigator)
    page = investigator_client.get(reverse("takedown:queue"))
    assert late.reference in page.text and fresh.reference not in page.text


@pytest.mark.django_db
def test_dashboard_and_incident_panels(investigator_client, make_item, investigator):
    incident = _incident(investigator)
    item = make_item(incident=incident)
    services.open_request(item, user=investigator, at=timezone.now() - datetime.timedelta(days=5))
    dashboard = investigator_client.get("/")
    assert (
        "Footage takedown" in dashboard.text
        and "1 takedown past its deadline" in dashboard.text
        and "Past their deadline" in dashboard.text
    )
    incident_page = investigator_client.get(reverse("incidents:detail", args=[incident.reference]))
    assert "Footage online" in incident_page.text and item.reference in incident_page.text


@pytest.mark.django_db
def test_bank_rule_is_a_supervisors_decision(client, supervisor, investigator):
    bank = MatchBank.objects.get(is_default=True)
    sign_in(client, investigator)
    assert (
        client.post(
            reverse("takedown:bank_edit", args=[bank.pk]), {"match_distance": 20}
        ).status_code
        == 404
    )
    sign_in(client, supervisor)
    response = client.post(
        reverse("takedown:bank_edit", args=[bank.pk]),
        {"match_distance": 20, "video_match_share": "0.9", "description": ""},
    )
    assert response.status_code == 302
    bank.refresh_from_db()
    assert (bank.match_distance, bank.video_match_share) == (20, 0.9)
    bad = client.post(
        reverse("takedown:bank_edit", args=[bank.pk]),
        {"match_distance": 300, "video_match_share": "2", "description": ""},
    )
    assert bad.status_code == 200
    bank.refresh_from_db()
    assert bank.match_distance == 20


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_create_get_and_work(investigator_client, investigator):
    incident = _incident(investigator)
    created = investigator_client.post(
        "/api/takedown/items",
        {
            "url": "https://x.com/hunters/status/1",
            "platform": "x",
            "account": "@hunters",
            "incident": incident.reference,
            "views_when_seen": 40,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    ref = created.json()["reference"]
    assert created.json()["incident"] == incident.reference and created.json()["captures"] == []

    opened = investigator_client.post(
        f"/api/takedown/items/{ref}/requests",
        {"note": "Doorstep video."},
        content_type="application/json",
    )
    assert opened.status_code == 201
    req = opened.json()["reference"]
    url = f"/api/takedown/requests/{req}/transitions"
    step = investigator_client.post(
        url, {"action": "ask_group", "note": "Please remove it."}, content_type="application/json"
    )
    assert step.status_code == 200 and step.json()["state"] == "removal_asked"
    refused = investigator_client.post(
        url, {"action": "platform_removed"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "cannot" in refused.json()["errors"][0]["message"]
    unknown = investigator_client.post(url, {"action": "launch"}, content_type="application/json")
    assert unknown.status_code == 422

    detail = investigator_client.get(f"/api/takedown/items/{ref}").json()
    assert [e["transition"] for e in detail["requests"][0]["events"]] == ["open", "ask_group"]
    listed = investigator_client.get("/api/takedown/requests").json()
    assert [r["reference"] for r in listed["items"]] == [req]
    assert (
        investigator_client.get("/api/takedown/requests", {"overdue": True}).json()["items"] == []
    )
    assert (
        investigator_client.get("/api/takedown/items", {"q": "x.com/hunters"}).json()["count"] == 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload,field",
    [
        ({"url": "ftp://files.example/v.mp4", "platform": "x"}, "url"),
        ({"url": "https://x.com/a", "platform": "myspace"}, "platform"),
        ({"url": "https://x.com/a", "platform": "x", "incident": "IN-1999-000009"}, "incident"),
        ({"url": "https://x.com/a", "platform": "x", "group": 99999}, "group"),
    ],
)
def test_api_bad_input_saves_nothing(investigator_client, payload, field):
    response = investigator_client.post(
        "/api/takedown/items", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert ContentItem.objects.count() == 0


@pytest.mark.django_db
def test_api_record_of_another_role_is_hidden(client, make_user, make_item):
    item = make_item()
    sign_in(client, make_user("analyst"))
    assert client.get(f"/api/takedown/items/{item.reference}").status_code == 404
    assert client.get("/api/takedown/requests").status_code == 403


@pytest.mark.django_db
def test_api_update_item(investigator_client, make_item, investigator):
    item = make_item(platform="youtube")
    incident = _incident(investigator)
    url = f"/api/takedown/items/{item.reference}"
    changed = investigator_client.patch(
        url, {"platform": "tiktok", "incident": incident.reference}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["platform"] == "tiktok"
    assert changed.json()["incident"] == incident.reference
    cleared = investigator_client.patch(url, {"incident": None}, content_type="application/json")
    assert cleared.json()["incident"] is None and cleared.json()["platform"] == "tiktok"
    bad = investigator_client.patch(
        url, {"url": "data:text/html,hi"}, content_type="application/json"
    )
    assert bad.status_code == 422
    item.refresh_from_db()
    assert item.url.startswith("https://")


@pytest.mark.django_db
def test_a_supervisor_makes_a_bank(client, supervisor, investigator, make_item):
    sign_in(client, investigator)
    assert client.post(reverse("takedown:bank_create"), {"name": "Logos"}).status_code == 403
    sign_in(client, supervisor)
    client.post(
        reverse("takedown:bank_create"),
        {
            "name": "Logos",
            "match_distance": 10,
            "video_match_share": "0.9",
            "description": "Strict",
        },
    )
    bank = MatchBank.objects.get(name="Logos")
    assert (bank.match_distance, bank.is_default) == (10, False)
    made = client.post(
        "/api/takedown/banks",
        {"name": "Streams", "match_distance": 20},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["match_distance"] == 20
    again = client.post("/api/takedown/banks", {"name": "Streams"}, content_type="application/json")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "name"
    assert make_item(bank=bank).bank == bank


@pytest.mark.django_db
def test_closing_and_discarding_go_through_a_page_that_says_what_will_happen(
    investigator_client, make_item, investigator
):
    item = make_item()
    request = services.open_request(item, user=investigator)
    services.transition_request(request, "ask_group", user=investigator, note="Please remove.")
    services.transition_request(request, "group_removed", user=investigator)
    close = reverse("takedown:transition", args=[request.reference, "close"])
    detail = investigator_client.get(reverse("takedown:detail", args=[item.reference]))
    # The footage's page links to the step's page; it holds no form that closes at one click.
    assert f'href="{close}"' in detail.text and f'action="{close}"' not in detail.text
    page = investigator_client.get(close)
    assert page.status_code == 200 and "no more work is asked for" in page.text
    request.refresh_from_db()
    assert request.state == "removed_by_group"  # a GET changes nothing
    done = investigator_client.post(close, {"note": ""}, follow=True)
    request.refresh_from_db()
    assert request.state == "closed" and f"{request.reference}: closed" in done.text


@pytest.mark.django_db
def test_discarding_a_draft_without_a_reason_is_refused_on_its_page(
    investigator_client, make_item, investigator
):
    item = make_item()
    request = services.open_request(item, user=investigator, draft=True)
    discard = reverse("takedown:transition", args=[request.reference, "discard"])
    refused = investigator_client.post(discard, {"note": ""})
    assert refused.status_code == 400 and "not for takedown" in refused.text
    request.refresh_from_db()
    assert request.state == "draft"
    investigator_client.post(discard, {"note": "A different video."})
    request.refresh_from_db()
    assert request.state == "discarded"


@pytest.mark.django_db
def test_an_unknown_step_has_no_page(investigator_client, make_item, investigator):
    request = services.open_request(make_item(), user=investigator)
    url = reverse("takedown:transition", args=[request.reference, "vanish"])
    assert investigator_client.get(url).status_code == 404
    assert investigator_client.post(url, {"note": "x"}).status_code == 404
