"""The publication log: where material about an incident was found published online, linked
to the footage records, for the prosecutor."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.takedown import documents, services
from drachma.takedown.models import PublicationRecord
from tests.factories import make_incident


@pytest.fixture
def incident(make_user):
    return make_incident(
        make_user("analyst"),
        occurred_at=timezone.now(),
        received_at=None,
        summary="x",
        place="Bolton",
    )


@pytest.mark.django_db
def test_publication_log(incident, make_user):
    user = make_user("investigator")
    record = services.record_publication(
        incident=incident,
        user=user,
        url="https://video.example/x",
        platform="youtube",
        still_online="yes",
    )
    assert record.found_by == user and record.content_item is None and record.takedown_status == ""
    for url, message in [
        ("ftp://files.example/x", "starting http:// or https://"),
        ("javascript:alert(1)", "valid URL"),
        ("", "cannot be blank"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.record_publication(incident=incident, user=user, url=url, platform="youtube")
        assert message in " ".join(exc.value.message_dict["url"])
    with pytest.raises(ValidationError) as exc:
        services.record_publication(
            incident=incident, user=user, url="https://a.example", platform="myspace"
        )
    assert "platform" in exc.value.message_dict
    with pytest.raises(ValidationError, match="in the future"):
        services.record_publication(
            incident=incident,
            user=user,
            url="https://a.example",
            platform="x",
            found_at=timezone.now() + datetime.timedelta(days=2),
        )
    with pytest.raises(ValidationError, match="checked before it was found"):
        services.record_publication(
            incident=incident,
            user=user,
            url="https://a.example",
            platform="x",
            checked_at=timezone.now() - datetime.timedelta(days=2),
        )
    assert PublicationRecord.objects.count() == 1
    services.update_publication(record, user=user, still_online="no", checked_at=timezone.now())
    record.refresh_from_db()
    assert record.still_online == "no"
    rows = list(csv.reader(io.StringIO(documents.publication_csv(incident))))
    assert rows[1][0] == "https://video.example/x" and rows[1][4] == "No, taken down or removed"
    assert rows[1][7] == "" and rows[1][8] == ""


@pytest.mark.django_db
def test_publication_log_links_the_takedown_records(incident, make_user):
    user = make_user("investigator")
    footage = services.create_content_item(
        user=user, url="https://video.example/live", platform="facebook", incident=incident
    )
    # The same address links by itself, and shows there is no takedown yet.
    by_url = services.record_publication(
        incident=incident, user=user, url="https://video.example/live", platform="facebook"
    )
    assert by_url.content_item == footage and by_url.takedown_reference == footage.reference
    assert by_url.takedown_status == f"{footage.reference}: no takedown requested"
    # A takedown request's reference links to its footage; its state is what the log shows.
    request = services.open_request(footage, user=user)
    by_request = services.record_publication(
        incident=incident,
        user=user,
        url="https://mirror.example/copy",
        platform="other",
        takedown_reference=request.reference.lower(),
    )
    assert by_request.content_item == footage
    assert by_request.takedown_status == f"{request.reference}: {request.get_state_display()}"
    rows = list(csv.reader(io.StringIO(documents.publication_csv(incident))))
    assert rows[2][8] == f"{request.reference}: {request.get_state_display()}"
    # A reference that leads nowhere is refused, not kept.
    before = PublicationRecord.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.record_publication(
            incident=incident,
            user=user,
            url="https://a.example/z",
            platform="x",
            takedown_reference="TD-1999-000001",
        )
    assert "No footage or takedown request" in exc.value.message_dict["takedown_reference"][0]
    assert PublicationRecord.objects.count() == before
    with pytest.raises(ValidationError):
        services.update_publication(by_url, user=user, takedown_reference="nonsense")


@pytest.mark.django_db
def test_publication_pages_and_api(client_as, incident):
    client = client_as("disclosure_officer")
    add = reverse("takedown:publication_add", args=[incident.reference])
    client.post(add, {"url": "ftp://nope", "platform": "youtube", "still_online": "unknown"})
    assert PublicationRecord.objects.count() == 0
    client.post(
        add, {"url": "https://video.example/y", "platform": "tiktok", "still_online": "yes"}
    )
    record = PublicationRecord.objects.get()
    page = client.get(reverse("takedown:publications", args=[incident.reference])).content.decode()
    assert "https://video.example/y" in page and "TikTok" in page
    response = client.patch(
        f"/api/takedown/publications/{record.pk}",
        {"takedown_reference": "TD-9"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "takedown_reference" in response.content.decode()
    response = client.post(
        f"/api/takedown/incidents/{incident.reference}/publications",
        {"url": "mailto:x@example.org", "platform": "other"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422) and "url" in response.content.decode()


@pytest.mark.django_db
def test_publication_found_by_someone_else_is_named(incident, make_user):
    user = make_user("investigator")
    services.record_publication(
        incident=incident,
        user=user,
        url="https://a.example/v",
        platform="other",
        found_by_description="Force social media desk",
    )
    rows = list(csv.reader(io.StringIO(documents.publication_csv(incident))))
    assert rows[1][3] == "Force social media desk"
