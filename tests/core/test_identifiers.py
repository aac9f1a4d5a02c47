"""De-duplication rests on one spelling per URL, handle and phone number: each rule tested."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drachma.core.identifiers import (
    Handle,
    handle_from_url,
    handles_in,
    normalize_handle,
    normalize_name,
    normalize_phone,
    normalize_url,
    phones_in,
    split_name,
    urls_in,
)

# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # scheme: http and https are the same page; a missing scheme is https
        ("http://example.com/a", "https://example.com/a"),
        ("HTTPS://example.com/a", "https://example.com/a"),
        ("example.com/a", "https://example.com/a"),
        # www.
        ("https://www.example.com/a", "https://example.com/a"),
        # host case (paths on an unknown site keep theirs: the web is case-sensitive there)
        ("https://EXAMPLE.Com/Path", "https://example.com/Path"),
        # trailing slash and repeated slashes
        ("https://example.com/a/", "https://example.com/a"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com//a///b/", "https://example.com/a/b"),
        # default ports; other ports stay
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8080/a", "https://example.com:8080/a"),
        # fragments
        ("https://example.com/a#comments", "https://example.com/a"),
        # tracking parameters go, meaningful ones stay (sorted)
        (
            "https://example.com/a?utm_source=fb&utm_medium=social&id=7",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?fbclid=IwAR0abc", "https://example.com/a"),
        ("https://example.com/a?gclid=xyz&q=test", "https://example.com/a?q=test"),
        ("https://example.com/a?ref=share&b=2&a=1", "https://example.com/a?a=1&b=2"),
        # mobile hosts of the platforms
        ("https://m.facebook.com/some.page", "https://facebook.com/some.page"),
        ("https://mobile.twitter.com/SomeUser", "https://x.com/someuser"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtube.com/watch?v=dQw4w9WgXcQ"),
        ("https://m.tiktok.com/@name", "https://tiktok.com/@name"),
        # x.com and twitter.com are one site; status links drop ?s= and ?t=
        (
            "https://twitter.com/SomeUser/status/1234?s=20&t=abc",
            "https://x.com/someuser/status/1234",
        ),
        ("https://x.com/someuser/status/1234", "https://x.com/someuser/status/1234"),
        # YouTube: every way to a video becomes watch?v=ID, and the id keeps its case
        ("https://youtu.be/dQw4w9WgXcQ", "https://youtube.com/watch?v=dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=AbCdEf&t=42", "https://youtube.com/watch?v=dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&t=10s",
            "https://youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        ("https://www.youtube.com/shorts/aBcDeF12345", "https://youtube.com/watch?v=aBcDeF12345"),
        (
            "https://www.youtube.com/live/aBcDeF12345?feature=shared",
            "https://youtube.com/watch?v=aBcDeF12345",
        ),
        ("https://www.youtube.com/@SomeChannel/videos", "https://youtube.com/@somechannel/videos"),
        ("https://www.youtube.com/channel/UCaBcDeF", "https://youtube.com/channel/UCaBcDeF"),
        # Instagram: igsh/igshid go; profile names lose case, post codes keep it
        (
            "https://www.instagram.com/p/CxYz123AbC/?igsh=MWQ1ZGU",
            "https://instagram.com/p/CxYz123AbC",
        ),
        ("https://instagram.com/Some.Profile/?igshid=abc", "https://instagram.com/some.profile"),
        ("https://instagr.am/some.profile", "https://instagram.com/some.profile"),
        # TikTok: user names lose case and the @ stays; app parameters go; short links keep case
        (
            "https://www.tiktok.com/@Some.User/video/7234?is_from_webapp=1&sender_device=pc",
            "https://tiktok.com/@some.user/video/7234",
        ),
        ("https://vm.tiktok.com/ZMabCDe/", "https://vm.tiktok.com/ZMabCDe"),
        # Facebook: post identifiers stay, the rest goes
        (
            "https://m.facebook.com/story.php?story_fbid=123&id=456&mibextid=Nif5oz",
            "https://facebook.com/story.php?id=456&story_fbid=123",
        ),
        ("https://www.facebook.com/watch/?v=987&ref=sharing", "https://facebook.com/watch?v=987"),
        ("https://fb.com/Some.Page", "https://facebook.com/some.page"),
        # Telegram: channel names lose case, invite codes keep it
        ("https://telegram.me/SomeChannel", "https://t.me/somechannel"),
        ("https://t.me/+AbCdEf123", "https://t.me/+AbCdEf123"),
    ],
)
def test_normalize_url(given, expected):
    assert normalize_url(given) == expected


def test_spellings_of_one_video_are_one_url():
    spellings = [
        "https://youtu.be/dQw4w9WgXcQ?si=x",
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be",
        "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ#t=30",
        "youtube.com/shorts/dQw4w9WgXcQ",
    ]
    assert len({normalize_url(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "mailto:a@example.com",
        "vbscript:msgbox",
        "https://",
        "not a url",
        "https://exa mple.com",
        "http://localhost/x",
        "https://" + "a" * 2100 + ".com",
    ],
)
def test_normalize_url_refuses_what_is_not_a_web_address(bad):
    with pytest.raises(ValueError, match="web address"):
        normalize_url(bad)


_segment = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEF0123456789-_.", min_size=1, max_size=12
)


@given(
    host=st.sampled_from(
        [
            "example.com",
            "www.example.org",
            "youtube.com",
            "m.facebook.com",
            "twitter.com",
            "tiktok.com",
            "instagram.com",
            "t.me",
            "youtu.be",
        ]
    ),
    path=st.lists(_segment, max_size=4),
    params=st.lists(
        st.tuples(
            st.sampled_from(["v", "id", "q", "utm_source", "fbclid", "si", "page"]), _segment
        ),
        max_size=4,
    ),
    slash=st.booleans(),
    scheme=st.sampled_from(["http://", "https://", ""]),
)
def test_normalize_url_is_idempotent(host, path, params, slash, scheme):
    url = scheme + host + "/" + "/".join(path) + ("/" if slash else "")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params)
    once = normalize_url(url)
    assert normalize_url(once) == once


# --- handles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("@Some.User", Handle("", "some.user")),
        ("Some_User", Handle("", "some_user")),
        ("  @@name  ", Handle("", "name")),
        ("TikTok: @Some.User", Handle("tiktok", "some.user")),
        ("tiktok:some.user", Handle("tiktok", "some.user")),
        ("Twitter: @Bob_1", Handle("x", "bob_1")),
        ("x: bob_1", Handle("x", "bob_1")),
        ("insta: Jo.Bloggs", Handle("instagram", "jo.bloggs")),
        ("https://www.tiktok.com/@Some.User", Handle("tiktok", "some.user")),
        ("https://www.tiktok.com/@some.user/video/7234", Handle("tiktok", "some.user")),
        ("tiktok.com/@some.user", Handle("tiktok", "some.user")),
        ("https://instagram.com/Some.Profile/", Handle("instagram", "some.profile")),
        ("https://twitter.com/SomeUser/status/1", Handle("x", "someuser")),
        ("https://x.com/SomeUser", Handle("x", "someuser")),
        ("https://m.facebook.com/Some.Page", Handle("facebook", "some.page")),
        ("https://www.facebook.com/profile.php?id=100012345", Handle("facebook", "100012345")),
        ("https://www.youtube.com/@SomeChannel", Handle("youtube", "somechannel")),
        ("https://www.snapchat.com/add/Snap.Name", Handle("snapchat", "snap.name")),
        ("https://t.me/SomeChannel", Handle("telegram", "somechannel")),
        ("https://www.twitch.tv/Streamer_1", Handle("twitch", "streamer_1")),
    ],
)
def test_normalize_handle(given, expected):
    assert normalize_handle(given) == expected


def test_platform_argument_applies_when_the_value_names_none():
    assert normalize_handle("@name", "instagram") == Handle("instagram", "name")
    assert normalize_handle("tiktok: @name", "instagram") == Handle("tiktok", "name")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "empty"),
        ("@", "no user name"),
        ("john smith", "no spaces"),
        ("<script>", "not a handle"),
        ("https://example.com/someone", "platform we recognise"),
        ("https://x.com/i/status/1", "platform we recognise"),
        ("javascript:alert(1)", "not a handle"),
    ],
)
def test_normalize_handle_refuses(bad, message):
    with pytest.raises(ValueError, match=message):
        normalize_handle(bad)


def test_handle_from_url_is_none_for_content_without_an_account():
    assert handle_from_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ") is None
    assert handle_from_url("https://vm.tiktok.com/ZMabCDe/") is None
    assert handle_from_url("https://example.com/@someone") is None


# --- phone numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0161 496 0123", "+441614960123"),
        ("(0161) 4960123", "+441614960123"),
        ("+44 161 496 0123", "+441614960123"),
        ("0044 161 496 0123", "+441614960123"),
        ("+44 (0)161 496 0123", "+441614960123"),
        ("07911 123456", "+447911123456"),
        ("07911-123-456", "+447911123456"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_normalize_phone_to_e164(given, expected):
    assert normalize_phone(given) == expected


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "empty"),
        ("not a number", "not a phone number"),
        ("999", "not a valid phone number"),
        ("0161 496", "not a valid phone number"),
        ("07700 900123", "not a valid phone number"),  # Ofcom's drama range is not allocated
    ],
)
def test_normalize_phone_refuses(bad, message):
    with pytest.raises(ValueError, match=message):
        normalize_phone(bad)


# --- names and free text ------------------------------------------------------------------


def test_names():
    assert normalize_name("  John   Paul\tSmith ") == "John Paul Smith"
    assert split_name("John Paul Smith") == ("John Paul", "Smith")
    assert split_name("Smith") == ("", "Smith")


def test_identifiers_found_in_free_text():
    text = (
        "He posts as @Dave_K on TikTok (see https://www.tiktok.com/@dave_k/video/1?lang=en), "
        "rang her on 0161 496 0123. Email me at me@example.com or www.example.com/page."
    )
    assert urls_in(text) == [
        "https://www.tiktok.com/@dave_k/video/1?lang=en",
        "www.example.com/page",
    ]
    assert handles_in(text) == [Handle("", "dave_k")]  # not the e-mail address, not inside the URL
    assert phones_in(text) == ["+441614960123"]


# --- e-mail and the one door for every kind ------------------------------------------------

from drachma.core.identifiers import (  # noqa: E402  (kept beside the tests that use them)
    IdentifierKind,
    normalise_identifier,
    normalize_email,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Jo.Bloggs@Example.COM", "jo.bloggs@example.com"),
        ("  <jo@example.com> ", "jo@example.com"),
        ("mailto:jo@example.co.uk", "jo@example.co.uk"),
        ("jo+tag@bücher.de", "jo+tag@xn--bcher-kva.de"),
    ],
)
def test_normalize_email(given, expected):
    assert normalize_email(given) == expected


@pytest.mark.parametrize(
    "bad", ["", "jo", "jo@", "@example.com", "jo@example", "jo..x@example.com", "a b@c.com"]
)
def test_normalize_email_refuses_what_is_not_an_address(bad):
    with pytest.raises(ValueError, match="e-mail address"):
        normalize_email(bad)


@pytest.mark.parametrize(
    ("kind", "value", "platform", "expected"),
    [
        ("phone", "0161 496 0123", "", ("phone", "", "+441614960123")),
        ("email", "Jo@Example.com", "", ("email", "", "jo@example.com")),
        ("handle", "@Dave_K", "tiktok", ("handle", "tiktok", "dave_k")),
        ("handle", "https://www.tiktok.com/@Dave_K", "", ("handle", "tiktok", "dave_k")),
        (
            "url",
            "http://m.facebook.com/Dave.K/",
            "",
            ("url", "facebook", "https://facebook.com/dave.k"),
        ),
    ],
)
def test_normalise_identifier_gives_one_spelling_per_kind(kind, value, platform, expected):
    found = normalise_identifier(kind, value, platform)
    assert (found.kind, found.platform, found.value) == expected


def test_normalise_identifier_refuses_an_unknown_kind_naming_the_kinds():
    with pytest.raises(ValueError, match="not a kind of identifier.*phone, email, handle, url"):
        normalise_identifier("fax", "0161 496 0123")


@given(st.sampled_from(IdentifierKind.values), st.text(max_size=60), st.sampled_from(["", "x"]))
def test_normalise_identifier_returns_a_fixed_point_or_refuses(kind, text, platform):
    """Whatever is typed: a ValueError with a message, or a spelling that normalises to itself
    (so a stored value always matches itself when looked up again)."""
    try:
        found = normalise_identifier(kind, text, platform)
    except ValueError as exc:
        assert str(exc)
        return
    again = normalise_identifier(kind, found.value, found.platform)
    assert again == found


@given(
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,10}\.(com|co\.uk|org)", fullmatch=True),
)
def test_normalize_email_ignores_case_and_is_idempotent(local, domain):
    if ".." in local:
        return
    address = f"{local}@{domain}"
    assert normalize_email(address.upper()) == normalize_email(address) == address
    assert normalize_email(normalize_email(address)) == address
