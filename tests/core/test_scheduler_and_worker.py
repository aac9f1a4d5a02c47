"""One scheduler at a time (an advisory lock on PostgreSQL, a file lock on SQLite), a worker
that waits out a lost database instead of exiting, and finished task results pruned."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from drachma.core.management.commands.run_worker import run_resilient
from drachma.core.singleton import SCHEDULER_LOCK_KEY, FileLock, PostgresLock
from drachma.core.tasks import prune_task_results

ROOT = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"
)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# --- the scheduler's lock ------------------------------------------------------------------


def test_the_file_lock_admits_one_holder(tmp_path):
    first, second = FileLock(tmp_path / "s.lock"), FileLock(tmp_path / "s.lock")
    assert first.acquire() and first.held()
    assert not second.acquire() and not second.held()
    first.release()
    assert not first.held()
    assert second.acquire() and second.held()
    second.release()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_advisory_lock_admits_one_session_and_frees_with_it():
    first, second = PostgresLock(SCHEDULER_LOCK_KEY), PostgresLock(SCHEDULER_LOCK_KEY)
    try:
        assert first.acquire() and first.held()
        assert not second.acquire() and not second.held()  # tried, not taken
        first.release()  # the session ends: PostgreSQL lets go of its locks
        assert second.acquire() and second.held()
    finally:
        first.release()
        second.release()


class Scheduler:
    """``manage.py run_scheduler`` in its own process, its output collected by a thread."""

    def __init__(self, env: dict) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_scheduler", "--wait-seconds", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.process.poll() is not None and not any(text in x for x in self.lines):
                time.sleep(0.5)  # the reader's last lines
                if any(text in line for line in self.lines):
                    return
                break
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not seen; output:\n{''.join(self.lines)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_one_runs_and_one_waits_then_takes_over(tmp_path, settings):
    params = connection.settings_dict
    url = (
        f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
        f"/{params['NAME']}"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DRACHMA_", "DJANGO_"))}
    env = {
        **base,
        "DRACHMA_ENV": "development",
        "DATABASE_URL": url,
        "DRACHMA_VAR_DIR": str(tmp_path),
        "DRACHMA_AUDIT_KEY_FILE": settings.DRACHMA_AUDIT_KEY_FILE,
        "DRACHMA_TASKS_BACKEND": "database",
    }
    first = Scheduler(env)
    second = None
    try:
        first.wait_for("Scheduling:")
        second = Scheduler(env)
        second.wait_for("Another scheduler holds the lock: waiting.")
        time.sleep(2)
        assert second.process.poll() is None  # waiting, not gone
        # Each periodic task was enqueued once, by the first scheduler only.
        names = list(DBTaskResult.objects.values_list("task_path", flat=True))
        assert names and len(names) == len(set(names))
        first.process.send_signal(signal.SIGTERM)
        first.process.wait(timeout=30)
        second.wait_for("Scheduling:")  # the lock came free: the second took over
    finally:
        for scheduler in (first, second):
            if scheduler is not None:
                scheduler.stop()


# --- the worker outlives a lost database -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_a_lost_database_and_carries_on(database_queue, caplog):
    result = prune_task_results.enqueue()
    real = DBTaskResultQuerySet.get_locked
    failures = iter([OperationalError("server closed the connection unexpectedly")] * 2)

    def flaky(self):
        error = next(failures, None)
        if error is not None:
            raise error
        return real(self)

    pauses = []
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(DBTaskResultQuerySet, "get_locked", flaky):
        outages = run_resilient(worker, sleep=pauses.append)
    assert outages == 2 and pauses == [1.0, 2.0]  # waited, longer each time, did not exit
    assert any("database does not answer" in r.getMessage() for r in caplog.records)
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


def test_the_pauses_stop_growing_at_thirty_seconds():
    worker = mock.Mock(running=True)
    worker.run.side_effect = [OperationalError("down")] * 8 + [None]
    pauses = []
    assert run_resilient(worker, sleep=pauses.append) == 8
    assert pauses == [1, 2, 4, 8, 16, 30, 30, 30]


# --- task results pruned ------------------------------------------------------------------


@pytest.mark.django_db
def test_old_finished_task_results_are_pruned(database_queue, settings):
    settings.DRACHMA_TASK_RESULTS_DAYS = 14
    old, recent, waiting = (prune_task_results.enqueue() for _ in range(3))
    long_ago = timezone.now() - datetime.timedelta(days=15)
    DBTaskResult.objects.filter(id=old.id).update(status="SUCCESSFUL", finished_at=long_ago)
    DBTaskResult.objects.filter(id=recent.id).update(status="FAILED", finished_at=timezone.now())
    assert prune_task_results.call() == 1
    kept = set(map(str, DBTaskResult.objects.values_list("id", flat=True)))
    assert kept == {str(recent.id), str(waiting.id)}


def test_pruning_is_on_the_schedule():
    from drachma.core.scheduling import PERIODIC

    assert any(p.task is prune_task_results and p.seconds == 86400 for p in PERIODIC)
