from django_tasks import task

from drachma.evidence.services import parse_on_arrival


@task()
def read_chat_export(item_pk: int) -> bool:
    """Read a chat export in the background once its exhibit is on an incident (intake
    enqueues this for a chat export sent through the reporting page)."""
    return parse_on_arrival(item_pk) is not None
