"""Periodic background work: tasks (django-tasks) registered here are enqueued on a schedule
by ``manage.py run_scheduler``; the ``db_worker`` runs them.

    @periodic(seconds=60)
    @task()
    def check_deadlines(): ...

Each app's ``tasks.py`` is imported by the scheduler (through ``drachma.core.registry``) so
that its registrations happen.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_tasks.base import Task

PERIODIC: list["PeriodicTask"] = []


@dataclass
class PeriodicTask:
    task: Task[[], Any]
    seconds: int

    @property
    def name(self) -> str:
        return self.task.module_path


def periodic(*, seconds: int) -> Callable[[Task[[], Any]], Task[[], Any]]:
    def register(task: Task[[], Any]) -> Task[[], Any]:
        PERIODIC.append(PeriodicTask(task=task, seconds=seconds))
        return task

    return register
