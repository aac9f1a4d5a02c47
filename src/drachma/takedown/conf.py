"""Takedown settings, each overridable in settings.py."""

from django.conf import settings

MB = 1024 * 1024

# Days allowed for the next step from each state, before the request shows as overdue.
DEFAULT_DEADLINE_DAYS = {
    "draft": 2,  # review a match
    "identified": 2,  # ask the group
    "removal_asked": 7,  # the group's answer (then the sweep records no answer)
    "refused": 2,  # report to the platform
    "no_answer": 2,
    "reported_to_platform": 14,  # the platform's answer
    "pending": 14,
    "rejected": 7,  # escalate or close
    "escalated": 28,
    "removed_by_group": 7,  # check it stays down, then close
    "removed": 7,
}


def no_answer_days() -> int:
    """Days a group has to answer a request to remove footage before it counts as no answer."""
    return int(
        getattr(settings, "DRACHMA_TAKEDOWN_NO_ANSWER_DAYS", DEFAULT_DEADLINE_DAYS["removal_asked"])
    )


def deadline_days(state: str) -> int | None:
    if state == "removal_asked":
        return no_answer_days()
    days = {**DEFAULT_DEADLINE_DAYS, **getattr(settings, "DRACHMA_TAKEDOWN_DEADLINE_DAYS", {})}
    return days.get(str(state))


def max_capture_bytes() -> int:
    """The largest captured file (a few minutes of phone video fits)."""
    return int(getattr(settings, "DRACHMA_TAKEDOWN_MAX_CAPTURE_BYTES", 500 * MB))


def seconds_per_frame_hash() -> float:
    """vPDQ samples one frame in this many seconds (HMA's default is one a second)."""
    return float(getattr(settings, "DRACHMA_TAKEDOWN_SECONDS_PER_HASH", 1.0))


def default_bank_name() -> str:
    return str(getattr(settings, "DRACHMA_TAKEDOWN_DEFAULT_BANK", "Footage"))
