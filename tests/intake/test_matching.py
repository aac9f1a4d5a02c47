"""De-duplication: a new report naming something already known is linked to it, with reasons."""

import datetime

import pytest
from django.utils import timezone

from drachma.groups.services import save_group
from drachma.incidents.services import create_incident
from drachma.intake.models import MatchKind, ReportMatch
from drachma.people.services import create_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return save_group(
        name="Northern Decoy Watch",
        status="active",
        aliases=["NDW Hunters"],
        accounts=[
            {
                "platform": "tiktok",
                "handle": "@NDW_Official",
                "url": "https://www.tiktok.com/@ndw_official",
            },
            {
                "platform": "facebook",
                "handle": "NorthernDecoyWatch",
                "url": "https://www.facebook.com/NorthernDecoyWatch/",
            },
        ],
    )


@pytest.fixture
def streamed_incident(make_user):
    return create_incident(
        user=make_user("analyst"),
        occurred_at=timezone.now() - datetime.timedelta(days=2),
        source="group",
        kind="live_streamed",
        summary="Streamed confrontation",
        place="Preston",
        live_streamed=True,
        stream_platform="youtube",
        stream_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )


def matches(report, kind=None):
    qs = ReportMatch.objects.filter(report=report)
    return list(qs.filter(kind=kind) if kind else qs)


def test_url_matches_an_incident_stream_however_spelled(make_report, streamed_incident):
    report = make_report(concern="footage_online", links="https://youtu.be/dQw4w9WgXcQ?si=share")
    [m] = matches(report, MatchKind.INCIDENT)
    assert m.incident == streamed_incident and m.score == 100
    assert m.reason == f"the link is the stream of incident {streamed_incident.reference}"


def test_url_matches_an_earlier_report(make_report):
    first = make_report(links="https://www.facebook.com/watch/?v=12345&ref=sharing")
    second = make_report(links="http://m.facebook.com/watch?v=12345#comments")
    [m] = matches(second, MatchKind.REPORT)
    assert (
        m.other_report == first
        and m.reason == f"the same link was given in report {first.reference}"
    )
    assert not matches(
        first
    )  # matching looks back; the earlier report shows the later one on its page
    assert list(first.matched_by.all()) == [m]


def test_url_in_the_free_text_matches_too(make_report, streamed_incident):
    report = make_report(
        text="The video is at www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share please look"
    )
    assert [m.incident for m in matches(report, MatchKind.INCIDENT)] == [streamed_incident]


def test_url_matches_a_groups_account(make_report, group):
    report = make_report(links="https://facebook.com/northerndecoywatch")
    found = {m.kind: m for m in matches(report)}
    assert found[MatchKind.ACCOUNT].account.group == group
    assert "Northern Decoy Watch's Facebook account" in found[MatchKind.ACCOUNT].reason


def test_handle_with_its_platform_matches_a_groups_account(make_report, group):
    report = make_report(handles="TikTok: @ndw_official")
    [m] = matches(report, MatchKind.ACCOUNT)
    assert m.account.handle == "@NDW_Official" and m.score == 100
    assert m.reason == "the same TikTok handle @ndw_official as Northern Decoy Watch's account"


def test_handle_without_a_platform_matches_with_a_lower_score(make_report, group):
    [m] = matches(make_report(handles="@NDW_OFFICIAL"), MatchKind.ACCOUNT)
    assert m.score == 90 and "did not say which platform" in m.reason


def test_handle_on_another_platform_does_not_match(make_report, group):
    assert not matches(make_report(handles="instagram: @ndw_official"), MatchKind.ACCOUNT)


def test_handle_from_a_profile_link_matches_an_earlier_reports_handle(make_report):
    first = make_report(handles="tiktok: dave_k_1980")
    second = make_report(links="https://www.tiktok.com/@Dave_K_1980/video/7234?is_from_webapp=1")
    [m] = matches(second, MatchKind.REPORT)
    assert m.other_report == first and "@dave_k_1980" in m.reason and m.score == 100


def test_mention_in_the_text_matches_an_earlier_handle(make_report):
    first = make_report(handles="snapchat: @mister_b")
    second = make_report(text="He calls himself @Mister_B on there.")
    [m] = matches(second, MatchKind.REPORT)
    assert m.other_report == first and m.score == 90


def test_phone_number_spelled_differently_matches(make_report):
    first = make_report(phones="0161 496 0123")
    second = make_report(text="he texted her from +44 (0)161 4960123 twice")
    [m] = matches(second, MatchKind.REPORT)
    assert m.other_report == first
    assert m.reason == f"the phone number +441614960123 was given in report {first.reference}"


def test_name_matches_a_person_fuzzily(make_report):
    person = create_person(given_names="Jonathan", family_name="Smethurst")
    [m] = matches(make_report(names="Jonathon Smethurst"), MatchKind.PERSON)
    assert m.person == person and 85 <= m.score < 100
    assert (
        m.reason.startswith("the name 'Jonathon Smethurst' is ")
        and "similar to Jonathan Smethurst" in m.reason
    )


def test_a_different_name_does_not_match(make_report):
    create_person(given_names="Jonathan", family_name="Smethurst")
    assert not matches(make_report(names="Mary Okonkwo"), MatchKind.PERSON)


def test_name_matches_a_group_and_its_alias(make_report, group):
    [by_name] = matches(make_report(names="Northern Decoy Watch"), MatchKind.GROUP)
    assert by_name.group == group and by_name.score == 100
    [by_alias] = matches(make_report(names="NDW hunters"), MatchKind.GROUP)
    assert "alias of Northern Decoy Watch" in by_alias.reason


def test_group_named_in_the_text(make_report, group):
    [m] = matches(
        make_report(text="The ndw hunters were live on Facebook outside Tesco."), MatchKind.GROUP
    )
    assert m.group == group and "the text names 'NDW Hunters'" in m.reason


def test_name_matches_an_earlier_reports_name(make_report):
    first = make_report(names="Dave Kershaw")
    [m] = matches(make_report(names="David Kershaw"), MatchKind.REPORT)
    assert m.other_report == first and m.score >= 85


def test_one_match_per_record_with_every_reason(make_report, group):
    report = make_report(handles="tiktok: @ndw_official", links="https://tiktok.com/@NDW_Official")
    [m] = matches(report, MatchKind.ACCOUNT)
    assert m.reason.split("; ") == [
        "the link is Northern Decoy Watch's TikTok account",
        "the same TikTok handle @ndw_official as Northern Decoy Watch's account",
    ]


def test_matching_failing_never_loses_the_report(make_report, monkeypatch):
    from drachma.intake import services

    def broken(report):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(services, "find_matches", broken)
    report = make_report(links="https://example.com/a")
    report.refresh_from_db()
    assert report.pk and report.matching_error.startswith("Matching failed (RuntimeError)")
    monkeypatch.undo()
    services.refresh_matches(report)
    report.refresh_from_db()
    assert report.matching_error == ""


def test_matches_found_again_when_records_are_added_later(make_report, safeguarding_officer):
    from drachma.intake import services

    report = make_report(handles="x: @late_account")
    assert not matches(report)
    save_group(
        name="Late Group", status="active", accounts=[{"platform": "x", "handle": "late_account"}]
    )
    services.refresh_matches(report, user=safeguarding_officer)
    assert [m.account.group.name for m in matches(report, MatchKind.ACCOUNT)] == ["Late Group"]


def test_the_triage_page_shows_matches_with_their_reasons(
    client_as, make_report, group, streamed_incident
):
    report = make_report(links="https://youtu.be/dQw4w9WgXcQ", handles="tiktok: ndw_official")
    html = (
        client_as("safeguarding_officer")
        .get(f"/intake/reports/{report.reference}/")
        .content.decode()
    )
    assert f"the link is the stream of incident {streamed_incident.reference}" in html
    assert "the same TikTok handle @ndw_official as Northern Decoy Watch&#x27;s account" in html
