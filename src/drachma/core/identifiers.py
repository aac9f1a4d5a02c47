"""One spelling for each URL, handle, phone number and e-mail address, for all of Drachma: a
report, a person's identifiers, a group's accounts and the "already known?" check are matched
on what these functions return, however the value was written.

``normalize_url`` keeps what identifies the content and drops what does not: the scheme (http
is treated as https), ``www.``, mobile hosts on the big platforms, default ports, fragments,
trailing slashes and tracking parameters; short and alternative forms become the canonical
one (``youtu.be/ID`` -> ``youtube.com/watch?v=ID``, ``twitter.com`` -> ``x.com``). Paths keep
their case except on platforms whose paths are user names, which are case-insensitive there;
identifiers that are case-sensitive (YouTube video ids, Instagram post codes, short links)
keep theirs.

``normalize_handle`` gives ``Handle(platform, name)``: ``@Name``, ``tiktok: name`` and
``https://www.tiktok.com/@name`` are the same account. ``normalize_phone`` gives E.164 via
phonenumbers (UK numbers by default), refusing numbers that cannot exist. ``normalize_email``
lower-cases an address (the domain by rule; the local part too, as every provider people use
treats it so). ``normalise_identifier(kind, value, platform)`` is the one door for a value
of a known kind (``IdentifierKind``).

Each function raises ``ValueError`` with a message fit to show the person who typed the value.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import phonenumbers
from django.db import models

# Host (after lower-casing and dropping www.) -> (canonical host, platform code).
PLATFORM_HOSTS = {
    "facebook.com": ("facebook.com", "facebook"),
    "fb.com": ("facebook.com", "facebook"),
    "fb.watch": ("fb.watch", "facebook"),
    "youtube.com": ("youtube.com", "youtube"),
    "youtu.be": ("youtube.com", "youtube"),
    "youtube-nocookie.com": ("youtube.com", "youtube"),
    "tiktok.com": ("tiktok.com", "tiktok"),
    "vm.tiktok.com": ("vm.tiktok.com", "tiktok"),
    "vt.tiktok.com": ("vt.tiktok.com", "tiktok"),
    "x.com": ("x.com", "x"),
    "twitter.com": ("x.com", "x"),
    "instagram.com": ("instagram.com", "instagram"),
    "instagr.am": ("instagram.com", "instagram"),
    "snapchat.com": ("snapchat.com", "snapchat"),
    "t.me": ("t.me", "telegram"),
    "telegram.me": ("t.me", "telegram"),
    "telegram.dog": ("t.me", "telegram"),
    "twitch.tv": ("twitch.tv", "twitch"),
    "clips.twitch.tv": ("clips.twitch.tv", "twitch"),
    "wa.me": ("wa.me", "whatsapp"),
    "whatsapp.com": ("whatsapp.com", "whatsapp"),
}
# Prefixes that mean "the same site for a phone" on the platforms above.
MOBILE_PREFIXES = ("m.", "mobile.", "mbasic.", "web.", "touch.", "mobile-")

# Query parameters that say how a link was shared, not what it points at.
TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "igshid",
    "igsh",
    "si",
    "feature",
    "ref",
    "ref_src",
    "ref_url",
    "referrer",
    "mibextid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "spm",
    "cmpid",
    "ocid",
    "share_id",
    "sharer",
    "rdid",
    "__tn__",
    "_rdr",
    "app",
    "sender_device",
    "is_from_webapp",
    "is_copy_url",
    "web_id",
}
TRACKING_PREFIXES = ("utm_", "__cft__", "pk_", "hsa_", "mtm_")
# Platforms whose content is identified by the path alone: every parameter goes.
PATH_ONLY = {"tiktok", "x", "instagram", "snapchat", "telegram", "twitch"}
# Parameters that identify content, kept on the platforms that use them.
KEEP_PARAMS = {"youtube": {"v", "list"}, "facebook": {"v", "id", "story_fbid", "fbid"}}

MAX_URL = 2000
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$|^\[[0-9a-f:.]+\]$")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def _canonical_host(host: str) -> tuple[str, str]:
    """(host, platform) with www. and, on known platforms, mobile prefixes dropped."""
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if host in PLATFORM_HOSTS:
        return PLATFORM_HOSTS[host]
    for prefix in MOBILE_PREFIXES:
        if host.startswith(prefix) and host[len(prefix) :] in PLATFORM_HOSTS:
            return PLATFORM_HOSTS[host[len(prefix) :]]
    return host, ""


def _split(url: str):
    text = (url or "").strip()
    if not text:
        raise ValueError("The address is empty.")
    if len(text) > MAX_URL:
        raise ValueError(
            f"'{text[:80]}…' is too long for a web address (at most {MAX_URL} characters)."
        )
    if any(c.isspace() for c in text):
        raise ValueError(f"'{text[:80]}' is not a web address (it contains spaces).")
    if "://" not in text:
        if _SCHEME.match(text):
            raise ValueError(
                f"'{text[:80]}' is not a web address: give one starting with http:// or https://."
            )
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValueError(
            f"'{text[:80]}' is not a web address: give one starting with http:// or https://."
        )
    try:
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        raise ValueError(
            f"'{text[:80]}' is not a web address (its host or port is malformed)."
        ) from None
    try:
        host = host.encode("idna").decode("ascii") if host and not host.startswith("[") else host
    except UnicodeError:
        raise ValueError(
            f"'{text[:80]}' is not a web address (its host name is malformed)."
        ) from None
    if parts.hostname and ":" in parts.hostname:
        host = f"[{parts.hostname.lower()}]"
    if not host or not _HOST.match(host):
        raise ValueError(f"'{text[:80]}' is not a web address (it has no valid host name).")
    return parts, host, port


def _query_pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _youtube(path: str, pairs: list[tuple[str, str]], short: bool) -> tuple[str, list]:
    """Every way of addressing one video becomes watch?v=ID; channels lose their case."""
    segments = [s for s in path.split("/") if s]
    video = None
    if short and segments:
        video = segments[0]
    elif segments and segments[0] in {"shorts", "live", "embed", "v", "e"} and len(segments) > 1:
        video = segments[1]
    elif segments[:1] == ["watch"]:
        video = dict(pairs).get("v")
    if video and _YOUTUBE_ID.match(video):
        return "/watch", [("v", video)]
    if segments and segments[0] == "channel":
        return "/" + "/".join(segments), []  # channel ids are case-sensitive
    if segments and segments[0] == "playlist":
        return "/playlist", [(k, v) for k, v in pairs if k == "list"]
    return "/" + "/".join(segments).lower(), [
        (k, v) for k, v in pairs if k in KEEP_PARAMS["youtube"]
    ]


def _case_insensitive_path(platform: str, host: str, path: str) -> str:
    """Lower-case the parts of a platform path that are user names."""
    segments = [s for s in path.split("/") if s]
    if not segments:
        return ""
    if platform == "instagram" and segments[0] in {"p", "reel", "reels", "tv"}:
        return "/" + "/".join([segments[0]] + segments[1:])  # post codes are case-sensitive
    if platform == "telegram" and (segments[0].startswith("+") or segments[0] == "joinchat"):
        return "/" + "/".join(segments)  # invite codes are case-sensitive
    if platform == "twitch" and (host == "clips.twitch.tv" or "clip" in segments):
        return "/" + "/".join(segments)  # clip slugs are case-sensitive
    if platform == "facebook" and host == "fb.watch":
        return "/" + "/".join(segments)
    if platform == "tiktok" and host != "tiktok.com":
        return "/" + "/".join(segments)  # short links
    return "/" + "/".join(segments).lower()


def normalize_url(url: str) -> str:
    """The canonical spelling of a web address (see the module's docstring)."""
    parts, host, port = _split(url)
    host, platform = _canonical_host(host)
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    pairs = [(k, v) for k, v in _query_pairs(parts.query) if not _is_tracking(k)]
    if platform == "youtube":
        path, pairs = _youtube(
            path, pairs, short=(parts.hostname or "").lower().endswith("youtu.be")
        )
    elif platform in PATH_ONLY:
        path, pairs = _case_insensitive_path(platform, host, path), []
    elif platform == "facebook":
        path = _case_insensitive_path(platform, host, path)
        pairs = [(k, v) for k, v in pairs if k in KEEP_PARAMS["facebook"]]
    path = path.rstrip("/")
    query = urlencode(sorted(pairs), doseq=True)
    return f"https://{host}{path}" + (f"?{query}" if query else "")


def platform_of_url(url: str) -> str:
    """The platform code of a URL's host, or "" for any other site."""
    try:
        _, host, _ = _split(url)
    except ValueError:
        return ""
    return _canonical_host(host)[1]


# --- handles -------------------------------------------------------------------------------

PLATFORM_NAMES = {
    "facebook": "facebook",
    "fb": "facebook",
    "youtube": "youtube",
    "yt": "youtube",
    "tiktok": "tiktok",
    "tik tok": "tiktok",
    "tt": "tiktok",
    "x": "x",
    "twitter": "x",
    "instagram": "instagram",
    "insta": "instagram",
    "ig": "instagram",
    "snapchat": "snapchat",
    "snap": "snapchat",
    "telegram": "telegram",
    "tg": "telegram",
    "whatsapp": "whatsapp",
    "twitch": "twitch",
    "kik": "other",
    "discord": "other",
    "other": "other",
}
_HANDLE = re.compile(r"^[a-z0-9._-]{1,100}$")
# First path segments that are pages of the platform, not accounts.
NOT_ACCOUNTS = {
    "x": {"i", "home", "search", "hashtag", "intent", "share", "explore", "settings", "messages"},
    "instagram": {"p", "reel", "reels", "tv", "explore", "accounts", "direct"},
    "facebook": {
        "watch",
        "groups",
        "events",
        "photo",
        "photo.php",
        "permalink.php",
        "story.php",
        "share",
        "sharer",
        "sharer.php",
        "hashtag",
        "reel",
        "login",
        "marketplace",
    },
    "tiktok": {"tag", "discover", "music", "search", "foryou"},
    "twitch": {"directory", "videos", "search"},
}


@dataclass(frozen=True)
class Handle:
    platform: str  # a code from drachma.core.choices.Platform, or "" when not known
    name: str

    def __str__(self) -> str:
        return f"{self.platform}:@{self.name}" if self.platform else f"@{self.name}"


def _clean_name(name: str, original: str) -> str:
    name = name.strip().lstrip("@").strip().lower()
    if not name:
        raise ValueError(f"'{original[:80]}' has no user name in it.")
    if not _HANDLE.match(name):
        if " " in name:
            raise ValueError(f"'{original[:80]}' is not a handle (handles have no spaces).")
        raise ValueError(
            f"'{original[:80]}' is not a handle (letters, digits, dots, dashes and "
            "underscores only)."
        )
    return name


def handle_from_url(url: str) -> Handle | None:
    """The account a platform URL belongs to (a profile, or the account that posted a video)."""
    try:
        normalized = normalize_url(url)
    except ValueError:
        return None
    parts = urlsplit(normalized)
    host, platform = _canonical_host(parts.hostname or "")
    if host in {"vm.tiktok.com", "vt.tiktok.com", "fb.watch", "clips.twitch.tv"}:
        return None  # short links and clips do not name the account
    segments = [s for s in parts.path.split("/") if s]
    pairs = dict(_query_pairs(parts.query))
    name = None
    if platform == "facebook" and segments[:1] == ["profile.php"] and pairs.get("id"):
        name = pairs["id"]
    elif platform == "youtube":
        if segments and segments[0].startswith("@"):
            name = segments[0]
        elif len(segments) > 1 and segments[0] in {"c", "user", "channel"}:
            name = segments[1]
    elif platform == "snapchat":
        if len(segments) > 1 and segments[0] == "add":
            name = segments[1]
    elif platform == "telegram":
        if (
            segments
            and not segments[0].startswith("+")
            and segments[0] not in {"joinchat", "s", "c"}
        ):
            name = segments[0]
    elif (
        platform in {"tiktok", "x", "instagram", "facebook", "twitch"}
        and segments
        and segments[0] not in NOT_ACCOUNTS.get(platform, set())
    ):
        if platform == "tiktok" and not segments[0].startswith("@"):
            return None
        name = segments[0]
    if not name:
        return None
    try:
        return Handle(platform, _clean_name(name, url))
    except ValueError:
        return None


def normalize_handle(value: str, platform: str = "") -> Handle:
    """``@Name``, ``TikTok: name`` or a profile URL -> ``Handle(platform, "name")``.

    ``platform`` (a Platform code) applies when the value itself does not say; a platform
    named in the value wins.
    """
    text = (value or "").strip()
    if not text:
        raise ValueError("The handle is empty.")
    looks_like_url = (
        "/" in text
        or text.lower().startswith(("http:", "https:"))
        or any(text.lower().split("/")[0].removeprefix("www.").endswith(h) for h in PLATFORM_HOSTS)
    )
    if looks_like_url:
        try:
            normalize_url(text)
        except ValueError as exc:
            raise ValueError(
                f"'{text[:80]}' is not a handle or a profile address ({exc})."
            ) from None
        found = handle_from_url(text)
        if found is None:
            raise ValueError(
                f"'{text[:80]}' is not a profile address on a platform we recognise; give it "
                "as a link instead."
            )
        return found
    match = re.match(r"^([A-Za-z][A-Za-z ]{0,15}?)\s*:\s*(.+)$", text)
    if match and match.group(1).strip().lower() in PLATFORM_NAMES:
        platform = PLATFORM_NAMES[match.group(1).strip().lower()]
        text = match.group(2)
    return Handle(platform or "", _clean_name(text, value))


# --- phone numbers ------------------------------------------------------------------------


def normalize_phone(value: str, region: str = "GB") -> str:
    """A phone number in E.164 (``+441614960123``); UK numbers may be written nationally."""
    text = (value or "").strip()
    if not text:
        raise ValueError("The phone number is empty.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"'{text[:40]}' is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"'{text[:40]}' is not a valid phone number (check the digits and the country code)."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- names --------------------------------------------------------------------------------


def normalize_name(value: str) -> str:
    """A person's or group's name as written, with spacing tidied (matching is fuzzy)."""
    return re.sub(r"\s+", " ", (value or "").strip())


def split_name(full: str) -> tuple[str, str]:
    """(given names, family name): the last word is taken as the family name."""
    words = normalize_name(full).split(" ")
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


# --- finding identifiers in free text ----------------------------------------------------

_URL_IN_TEXT = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_.]{2,30}[A-Za-z0-9_])")


def urls_in(text: str) -> list[str]:
    found = []
    for match in _URL_IN_TEXT.finditer(text or ""):
        url = match.group(0).rstrip(".,;:!?)]}")
        if url not in found:
            found.append(url)
    return found


def handles_in(text: str) -> list[Handle]:
    stripped = _URL_IN_TEXT.sub(" ", text or "")  # @names inside URLs are counted with the URL
    found = []
    for match in _MENTION.finditer(stripped):
        handle = Handle("", match.group(1).lower())
        if handle not in found:
            found.append(handle)
    return found


def phones_in(text: str, region: str = "GB") -> list[str]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text or "", region):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(match.number) and e164 not in found:
            found.append(e164)
    return found


# --- e-mail addresses ---------------------------------------------------------------------

MAX_EMAIL = 254
_EMAIL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$")


def normalize_email(value: str) -> str:
    """An e-mail address in lower case, ``mailto:`` and angle brackets dropped."""
    text = (value or "").strip()
    if not text:
        raise ValueError("The e-mail address is empty.")
    if len(text) > MAX_EMAIL:
        raise ValueError(f"'{text[:80]}…' is too long for an e-mail address.")
    address = text.removeprefix("mailto:").strip("<> ").lower()
    local, _, domain = address.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(
            f"'{text[:80]}' is not an e-mail address (its domain is malformed)."
        ) from None
    address = f"{local}@{domain}"
    if (
        not local
        or not _EMAIL.match(address)
        or ".." in local
        or local.startswith(".")
        or local.endswith(".")
        or any(part.startswith("-") or part.endswith("-") for part in domain.split("."))
    ):
        raise ValueError(f"'{text[:80]}' is not an e-mail address.")
    return address


# --- one door for every kind ----------------------------------------------------------------


class IdentifierKind(models.TextChoices):
    """The kinds of identifier a person holds and the "already known?" check reads."""

    PHONE = "phone", "Phone number"
    EMAIL = "email", "E-mail address"
    HANDLE = "handle", "Handle"
    URL = "url", "Profile or web address"


@dataclass(frozen=True)
class Identifier:
    kind: str
    platform: str  # a Platform code, or "" when not known or not relevant
    value: str  # the normalised spelling

    def __str__(self) -> str:
        if self.kind == IdentifierKind.HANDLE:
            return str(Handle(self.platform, self.value))
        return self.value


def normalise_identifier(kind: str, value: str, platform: str = "") -> Identifier:
    """``value`` of ``kind`` in its one spelling; ValueError saying why it has none.

    A handle's platform comes from the value when it names one (a profile URL, ``tiktok:
    name``), else from ``platform``; a URL's platform from its host."""
    if kind == IdentifierKind.PHONE:
        return Identifier(kind, "", normalize_phone(value))
    if kind == IdentifierKind.EMAIL:
        return Identifier(kind, "", normalize_email(value))
    if kind == IdentifierKind.HANDLE:
        handle = normalize_handle(value, platform)
        return Identifier(kind, handle.platform, handle.name)
    if kind == IdentifierKind.URL:
        url = normalize_url(value)
        return Identifier(kind, platform_of_url(url) or platform, url)
    raise ValueError(
        f"'{str(kind)[:40]}' is not a kind of identifier ({', '.join(IdentifierKind.values)})."
    )
