from django_tasks import task

from drachma.core.scheduling import periodic
from drachma.intake import services


@periodic(seconds=3600)
@task()
def remind_overdue_referrals() -> int:
    """Hourly, so a reminder goes out soon after midnight; each referral at most once a day."""
    return services.remind_overdue_referrals()


@periodic(seconds=3600)
@task()
def remove_stale_reports() -> int:
    """Hourly: reports closed without an incident, past their period, with no reason to keep
    them, are removed (``services.remove_stale_reports``; safe to run twice at once)."""
    return services.remove_stale_reports()


@periodic(seconds=3600)
@task()
def drop_address_hashes() -> int:
    """Hourly: the reporter's address hash goes once the rate limit's window has passed."""
    return services.drop_address_hashes()
