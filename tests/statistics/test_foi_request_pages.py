"""The FOI request pages: the register with its count, order and on-time figure, recording a
request (bad input shown beside its field, nothing written), the request page, and the answer
step with its confirmation."""

import datetime

from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.statistics import services
from drachma.statistics.models import FOIExemption, FOIRequest

D = datetime.date
FORM = {
    "received_on": "2026-03-02",
    "requester_reference": "REQ-77",
    "question": "How many reports about online child abuse activist groups in 2017, by kind?",
    "period_start": "2017-01-01",
    "period_end": "2017-12-31",
    "breakdowns": ["area", "kind"],
}


def test_recording_a_request_shows_its_deadline(analyst_client, db):
    response = analyst_client.post("/statistics/foi/requests/new/", FORM)
    assert response.status_code == 302
    item = FOIRequest.objects.get()
    assert response["Location"] == f"/statistics/foi/requests/{item.reference}/"
    page = analyst_client.get(response["Location"]).content.decode()
    assert "30 March 2026" in page  # the due day, in words
    assert "REQ-77" in page and "Awaiting an answer" in page
    assert "Answer the request" in page


def test_a_request_dated_in_the_future_is_refused_on_the_page(analyst_client, db):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = analyst_client.post(
        "/statistics/foi/requests/new/", {**FORM, "received_on": tomorrow}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Record an FOI request" in page
    assert "cannot have been received in the future" in page
    assert 'href="#id_received_on"' in page  # the error summary links to the field
    assert not FOIRequest.objects.exists()


def test_the_register_counts_sorts_and_gives_the_on_time_figure(
    analyst_client, make_user, small_fixture
):
    user = make_user("analyst")
    for day, ref in [(D(2026, 3, 2), "B"), (D(2026, 2, 2), "A"), (D(2026, 3, 9), "C")]:
        services.record_request(
            user=user,
            received_on=day,
            requester_reference=f"REQ-{ref}",
            question="Figures, please.",
            period_start=D(2017, 1, 1),
            period_end=D(2017, 12, 31),
            breakdowns=["area"],
        )
    first = FOIRequest.objects.get(requester_reference="REQ-A")
    services.answer_request(first, user=user, judgement_note="The rule applied.")
    page = analyst_client.get("/statistics/foi/requests/?sort=received").content.decode()
    assert "3 requests" in page
    assert page.index("REQ-A") < page.index("REQ-B") < page.index("REQ-C")
    page = analyst_client.get("/statistics/foi/requests/?sort=-received").content.decode()
    assert page.index("REQ-C") < page.index("REQ-B") < page.index("REQ-A")
    assert 'aria-sort="descending"' in page
    figures = page[page.index('data-testid="timeliness"') :]
    # Answered today, long after its deadline of 2 March: late.
    assert "Answered late" in figures and "0 (0.0% of those answered)" in figures
    page = analyst_client.get("/statistics/foi/requests/?status=answered").content.decode()
    assert "1 request" in page and "REQ-B" not in page


def test_the_answer_step_confirms_then_answers_once(analyst_client, small_fixture):
    analyst_client.post("/statistics/foi/requests/new/", FORM)
    item = FOIRequest.objects.get()
    url = f"/statistics/foi/requests/{item.reference}/answer/"
    page = analyst_client.get(url).content.decode()
    assert f"Answer {item.reference}?" in page
    assert "the force received 8 reports" in page  # the draft answer shown before confirming
    assert "withheld by the small-number rule" in page
    assert FOIRequest.objects.get().status == "open"  # a GET changes nothing
    response = analyst_client.post(
        url,
        {
            "judgement": "Areas under five withheld; totals checked.",
            "exemptions": ["s40", "s31"],
            "reason_s40": "Ward figures could identify the man filmed.",
            "reason_s31": "Naming the tactics would prejudice the prevention of crime.",
        },
    )
    assert response.status_code == 302
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Answered" in page and "Areas under five withheld" in page
    assert "Section 40: personal information" in page and "Section 31: law enforcement" in page
    assert "fewer than 5" in page
    # Again: refused, the first answer kept.
    response = analyst_client.post(url, {"judgement": "Second go."}, follow=True)
    assert "has already been answered" in response.content.decode()
    assert (
        FOIRequest.objects.get().judgement["note"] == "Areas under five withheld; totals checked."
    )
    assert FOIExemption.objects.count() == 2


def test_an_exemption_without_a_reason_is_refused_on_the_page(analyst_client, small_fixture):
    analyst_client.post("/statistics/foi/requests/new/", FORM)
    item = FOIRequest.objects.get()
    url = f"/statistics/foi/requests/{item.reference}/answer/"
    response = analyst_client.post(url, {"judgement": "Rule applied.", "exemptions": ["s30"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the reason section 30 applies." in page and "<title>Error: " in page
    response = analyst_client.post(url, {"judgement": "Rule applied.", "reason_s38": "Danger."})
    assert "Section 38 is not ticked: tick it, or clear its reason." in response.content.decode()
    assert FOIRequest.objects.get().status == "open" and not FOIExemption.objects.exists()


def test_roles_without_the_permission_cannot_answer(client_as, small_fixture, make_user):
    item = services.record_request(
        user=make_user("analyst"),
        received_on=D(2026, 3, 2),
        requester_reference="REQ-1",
        question="Figures.",
        period_start=D(2017, 1, 1),
        period_end=D(2017, 12, 31),
        breakdowns=["area"],
    )
    auditor = client_as("auditor")
    assert auditor.get(f"/statistics/foi/requests/{item.reference}/").status_code == 200
    page = auditor.get(f"/statistics/foi/requests/{item.reference}/").content.decode()
    assert "Answer the request" not in page
    assert auditor.get(f"/statistics/foi/requests/{item.reference}/answer/").status_code == 404
    assert client_as("investigator").get("/statistics/foi/requests/").status_code == 403


def test_the_kept_answer_downloads_as_csv(analyst_client, small_fixture):
    analyst_client.post("/statistics/foi/requests/new/", FORM)
    item = FOIRequest.objects.get()
    url = f"/statistics/foi/requests/{item.reference}/answer.csv"
    early = analyst_client.get(url)
    assert early.status_code == 409 and b"has not been answered yet" in early.content
    services.answer_request(
        item, user=item.recorded_by, judgement_note="Rule.", exemptions={"s40": "Small wards."}
    )
    response = analyst_client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Total,8" in text and "Rochdale,fewer than 5" in text
    assert "Section 40: personal information,Small wards." in text
    assert AuditEntry.objects.filter(
        action="export", object_repr=f"{item.reference} answer"
    ).exists()


def test_the_dashboard_lists_open_requests_for_those_who_answer_them(analyst_client, client_as, db):
    analyst_client.post("/statistics/foi/requests/new/", {**FORM, "received_on": "2026-01-05"})
    item = FOIRequest.objects.get()
    page = analyst_client.get("/").content.decode()
    assert "FOI requests awaiting an answer" in page
    assert item.reference in page and "1 awaiting an answer" in page
    assert "FOI requests awaiting an answer" not in client_as("auditor").get("/").content.decode()
