"""The reporting page's limits and the routing's deadlines, each overridable in settings.

Rates are written like django-ratelimit's: ``"5/h"`` (five an hour), ``"20/30m"``.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MB = 1024 * 1024
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def max_files() -> int:
    """Files one report may carry."""
    return int(getattr(settings, "DRACHMA_INTAKE_MAX_FILES", 10))


def max_file_bytes() -> int:
    """The largest single file (a phone video of a few minutes fits)."""
    return int(getattr(settings, "DRACHMA_INTAKE_MAX_FILE_BYTES", 200 * MB))


def max_total_bytes() -> int:
    """All the files of one report together."""
    return int(getattr(settings, "DRACHMA_INTAKE_MAX_TOTAL_BYTES", 500 * MB))


def rate_limit() -> str:
    """Reports accepted from one address (an IPv6 /64) in a sliding window."""
    return str(getattr(settings, "DRACHMA_INTAKE_RATE_LIMIT", "5/h"))


def attempt_limit() -> str:
    """Submissions tried from one address (accepted or refused), against floods of bad input."""
    return str(getattr(settings, "DRACHMA_INTAKE_ATTEMPT_LIMIT", "20/h"))


def honeypot_field() -> str:
    """A field hidden from people; bots that fill every field fill it."""
    return str(getattr(settings, "DRACHMA_INTAKE_HONEYPOT_FIELD", "website"))


def max_text_chars() -> int:
    return int(getattr(settings, "DRACHMA_INTAKE_MAX_TEXT_CHARS", 20000))


def max_list_items() -> int:
    """Links, handles, phone numbers or names one report may list (each)."""
    return int(getattr(settings, "DRACHMA_INTAKE_MAX_LIST_ITEMS", 25))


def referral_due_days() -> int:
    """Days the online child abuse investigation team has to accept or reject a referral."""
    return int(getattr(settings, "DRACHMA_INTAKE_REFERRAL_DUE_DAYS", 3))


def name_match_threshold() -> float:
    """The rapidfuzz score (0–100) from which a name counts as matching a known one."""
    return float(getattr(settings, "DRACHMA_INTAKE_NAME_THRESHOLD", 85))


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` -> (5, 3600); ``"20/30m"`` -> (20, 1800)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", rate or "")
    if not match:
        raise ImproperlyConfigured(f"Not a rate: {rate!r} (write e.g. '5/h' or '20/30m').")
    count, multiple, unit = match.groups()
    if int(count) < 1 or int(multiple or 1) < 1:
        # 0/h would refuse every report; 5/0h would divide by a zero period.
        raise ImproperlyConfigured(
            f"Not a rate: {rate!r} (the count and the period are at least 1)."
        )
    return int(count), int(multiple or 1) * _PERIODS[unit]


def stale_report_days() -> int:
    """Days after closing that a report closed without an incident (and with no reason
    recorded to keep it) is removed, with its files and identifiers."""
    days = getattr(settings, "DRACHMA_INTAKE_STALE_REPORT_DAYS", 90)
    try:
        value = int(days)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            f"DRACHMA_INTAKE_STALE_REPORT_DAYS must be a whole number of days, not {days!r}."
        ) from None
    if value < 1:
        raise ImproperlyConfigured(
            f"DRACHMA_INTAKE_STALE_REPORT_DAYS must be at least 1 (it is {value}): a report "
            "closed today must stay long enough for a supervisor to reopen it."
        )
    return value
