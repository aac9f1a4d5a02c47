from django.http import HttpRequest

from drachma.audit import purpose


def task_purpose(request: HttpRequest) -> dict:
    """The purpose of the signed-in user's task, for the header of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"task_purpose": purpose.current(request)}
