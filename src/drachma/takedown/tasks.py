from django_tasks import task

from drachma.core.scheduling import periodic
from drachma.takedown import services


@periodic(seconds=3600)
@task()
def record_no_answers() -> int:
    """Hourly: requests whose group has not answered by the deadline move to 'no answer',
    each once however often this runs (services.record_no_answers)."""
    return services.record_no_answers()
