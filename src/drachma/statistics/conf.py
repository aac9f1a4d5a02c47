from django.conf import settings


def max_period_years() -> int:
    """The longest period a statistics request may cover."""
    return int(getattr(settings, "DRACHMA_STATS_MAX_YEARS", 12))


def suppression_threshold() -> int:
    """Counts from 1 up to this are published as "fewer than <threshold + 1>"."""
    return int(getattr(settings, "DRACHMA_STATS_SUPPRESS_BELOW", 5)) - 1


def suppress_zero() -> bool:
    return bool(getattr(settings, "DRACHMA_STATS_SUPPRESS_ZERO", False))
