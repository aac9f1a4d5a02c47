from django_tasks import task

from drachma.core.scheduling import periodic
from drachma.statistics import services


@periodic(seconds=3600)
@task()
def remind_foi_deadlines() -> int:
    """Every hour: FOI requests nearing their deadline, and those past it, announced to their
    recorders once each (services.remind_deadlines)."""
    return services.remind_deadlines()
