from django_tasks import task

from drachma.core.scheduling import periodic
from drachma.intake import services


@periodic(seconds=3600)
@task()
def remind_overdue_referrals() -> int:
    """Hourly, so a reminder goes out soon after midnight; each referral at most once a day."""
    return services.remind_overdue_referrals()
