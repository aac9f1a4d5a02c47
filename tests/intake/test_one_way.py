"""One door in, nothing out: no page or API operation reachable without a login reveals
anything about a report, except the reporter's own receipt in the response to the submission.

Every URL pattern and API operation is requested anonymously after a report exists, with the
real report's keys in the URL: the public ones (GET, and POST without data) and all the rest
(each with its own methods). No response may carry the report's reference, text, links,
handles, phone number, reporter's name or e-mail, file name or file hash.
"""

import hashlib
import re
import uuid

import pytest
from django.test import Client

from drachma.intake.models import Report
from drachma.site.access_matrix import all_endpoints, parse_matrix
from tests.intake.conftest import CHAT_EXPORT, upload
from tests.site.test_role_matrix import DOC, World, _url

pytestmark = pytest.mark.django_db

CHAT = CHAT_EXPORT + b"[12/03/2026, 19:09:00] dave_k: unique-marker-7f3a\n"


@pytest.fixture
def submitted(settings):
    """A report sent through the page by an anonymous reporter, and what must never leak."""
    client = Client()
    response = client.post(
        "/intake/report/",
        {
            "reporter_type": "public",
            "concern": "possible_offender",
            "text": "Zebracorn-unique text about a man grooming my daughter on Snapchat.",
            "links": "https://www.tiktok.com/@leaky_handle_42/video/99",
            "handles": "snapchat: @secret_snap_77",
            "phones": "0161 496 0777",
            "names": "Quentin Leakworthy",
            "reporter_name": "Hermione Reportington",
            "reporter_email": "hermione@example.org",
            "reporter_phone": "0161 496 0555",
            "place": "Littleborough-secret-place",
            "form_token": uuid.uuid4().hex,
            "website": "",
            "files": [upload("dave_private_chat.txt", CHAT)],
        },
        REMOTE_ADDR="203.0.113.50",
    )
    assert response.status_code == 200
    report = Report.objects.get()
    receipt = response.content.decode()
    sha = hashlib.sha256(CHAT).hexdigest()
    assert report.reference in receipt and sha in receipt  # the receipt, at submission time only
    secrets = {
        "reference": report.reference,
        "referral": report.referral.reference,
        "text": "Zebracorn-unique",
        "link": "leaky_handle_42",
        "handle": "secret_snap_77",
        "phone": "4960777",
        "name": "Leakworthy",
        "reporter": "Hermione",
        "email": "hermione@example.org",
        "reporter phone": "4960555",
        "place": "Littleborough-secret-place",
        "file": "dave_private_chat",
        "sha256": sha,
        "exhibit": report.files.get().item.exhibit_ref,
    }
    return report, secrets


def _leaks(response, secrets, *, skip=()) -> list[str]:
    body = response.content.decode("utf-8", errors="replace")
    headers = "\n".join(f"{k}: {v}" for k, v in response.items() if k.lower() != "location")
    return [
        name
        for name, value in secrets.items()
        if name not in skip and (value in body or value in headers)
    ]


def _request(client, method, url, is_api):
    if is_api:
        return client.generic(method, url, data="{}", content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.generic(method, url, data="", content_type="application/x-www-form-urlencoded")


def test_no_endpoint_reachable_without_login_reveals_a_report(submitted, make_user):
    report, secrets = submitted
    documented = parse_matrix(DOC.read_text(encoding="utf-8"))
    world = World(make_user).build()
    # A sample that belongs to a user (a notification) is made for one; the caller is anonymous.
    kwargs = {k: v(world.users["analyst"]) if callable(v) else v for k, v in world.kwargs.items()}
    kwargs.update(
        {
            "report_ref": report.reference,
            "referral_ref": report.referral.reference,
            "exhibit_ref": secrets["exhibit"],
        }
    )
    public = [
        e
        for e in all_endpoints()
        if e.public or documented.get((e.method, e.key), {}).get("anonymous")
    ]
    assert {(e.method, e.key) for e in public} >= {
        ("GET", "intake:report"),
        ("POST", "intake:report"),
    }
    checked = 0
    for endpoint in all_endpoints():
        url = _url(endpoint, kwargs)
        client = Client()
        response = _request(client, endpoint.method, url, endpoint.is_api)
        where = f"{endpoint.method} {endpoint.key} ({url}) -> {response.status_code}"
        assert response.status_code < 500, where
        if endpoint in public:
            assert not _leaks(response, secrets), where + f" leaks {_leaks(response, secrets)}"
        else:
            # Closed to anonymous callers: the login page or 401, with nothing in the body.
            if endpoint.is_api:
                assert response.status_code == 401, where
            else:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
                    where
                )
            assert not _leaks(response, secrets), where + f" leaks {_leaks(response, secrets)}"
        checked += 1
    assert checked == len(all_endpoints()) > 50


def test_api_schema_and_guessed_urls_reveal_nothing(submitted):
    report, secrets = submitted
    client = Client()
    for url in (
        "/api/openapi.json",
        "/api/docs",
        f"/intake/report/{report.reference}/",
        f"/intake/report/?reference={report.reference}",
        f"/intake/receipt/{report.reference}/",
        f"/api/intake/reports/{report.reference}",
        "/intake/reports/",
        "/intake/referrals/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302, 401, 404), url
        # A URL that names the reference may echo it back (the caller typed it); nothing else.
        skip = ("reference",) if report.reference in url else ()
        assert not _leaks(response, secrets, skip=skip), (
            f"{url} leaks {_leaks(response, secrets, skip=skip)}"
        )


def test_the_reporting_page_and_the_next_receipt_say_nothing_of_earlier_reports(submitted):
    report, secrets = submitted
    client = Client()
    assert not _leaks(client.get("/intake/report/"), secrets)
    again = client.post(
        "/intake/report/",
        {
            "reporter_type": "public",
            "concern": "footage_online",
            "text": "Another report.",
            "form_token": uuid.uuid4().hex,
            "files": [upload("other.txt", b"other chat\n")],
        },
        REMOTE_ADDR="203.0.113.50",
    )
    assert again.status_code == 200
    assert not _leaks(again, secrets)
    # Refusals name the problem, never another report.
    refused = client.post(
        "/intake/report/",
        {
            "reporter_type": "public",
            "concern": "footage_online",
            "text": "x",
            "form_token": uuid.uuid4().hex,
            "website": "bot",
        },
    )
    assert refused.status_code == 400 and not _leaks(refused, secrets)
    assert re.search(r"RP-[0-9A-Z]{4}-[0-9A-Z]{4}", refused.content.decode()) is None
