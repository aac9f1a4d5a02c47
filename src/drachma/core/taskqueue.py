"""Which task queue this process is configured with (settings.TASKS): the database's
(django-tasks-db), RQ on Redis, or another (the tests' dummy and immediate backends)."""

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends


def backend():
    """The default backend itself (``django_tasks.default_task_backend`` is only a proxy)."""
    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def backend_kind() -> str:
    module = type(backend()).__module__
    if module.startswith("django_tasks_db"):
        return "database"
    if module.startswith("django_tasks_rq"):
        return "rq"
    return "other"
