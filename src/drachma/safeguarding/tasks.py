from django_tasks import task

from drachma.core.scheduling import periodic
from drachma.safeguarding import services


@periodic(seconds=60)
@task()
def check_deadlines() -> int:
    """Every minute: actions past due are marked overdue and their owners and supervisors told,
    once each (services.sweep_deadlines)."""
    return services.sweep_deadlines()


@periodic(seconds=60)
@task()
def escalate() -> int:
    """Every minute: actions not taken up or late climb the escalation ladder of their grade
    (escalation.LADDER), each rung once (services.escalate_actions)."""
    return services.escalate_actions()
