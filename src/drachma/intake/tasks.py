from django_tasks import task

from drachma.core.scheduling import periodic
from drachma.evidence.services import parse_on_arrival
from drachma.intake import services


@periodic(seconds=3600)
@task()
def remind_overdue_referrals() -> int:
    """Hourly, so a reminder goes out soon after midnight; each referral at most once a day."""
    return services.remind_overdue_referrals()


@task()
def read_chat_export(item_pk: int) -> bool:
    """Read a chat export sent through the reporting page once it is on an incident."""
    return parse_on_arrival(item_pk) is not None
