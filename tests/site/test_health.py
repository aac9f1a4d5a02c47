"""/healthz, /readyz and /metrics; request ids in responses and logs; mail failures retried."""

import json
import logging
from unittest import mock

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, connection
from django_tasks import task

from drachma.core import mail
from drachma.core.observability import RequestIdFilter, RequestMiddleware
from drachma.core.services import notify
from drachma.site import readiness

# --- /healthz and /readyz --------------------------------------------------------------


def test_healthz_answers_without_the_database(client):
    # No django_db mark: pytest-django refuses any database access in this test.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "alive"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_everything_and_answers_200(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checked"] == [
        "database",
        "cache",
        "task queue",
        "object store",
        "matcher",
    ]


@pytest.mark.django_db
def test_readyz_names_what_is_not_ready(client, settings, tmp_path):
    settings.DRACHMA_EVIDENCE_ROOT = tmp_path / "missing" / "evidence"
    with mock.patch("drachma.evidence.store.default_storage") as storage:
        storage.return_value.location = str(tmp_path / "missing" / "evidence")
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "not_ready": ["object store"]}
    assert response["Retry-After"] == "5"


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_when_the_database_is_unavailable(client, caplog):
    """The database made unreachable: on PostgreSQL a connection to a port nothing listens on
    (the real failure); on SQLite, whose test database lives in memory, the connection's
    opening fails with the error psycopg gives."""
    caplog.set_level(logging.WARNING, logger="drachma.readiness")
    if connection.vendor == "postgresql":
        connection.close()
        saved = dict(connection.settings_dict)
        connection.settings_dict["PORT"] = 1  # nothing listens there
        connection.settings_dict["OPTIONS"] = {**saved.get("OPTIONS", {}), "connect_timeout": 2}
        try:
            response = client.get("/readyz")
            health = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
    else:
        refused = OperationalError("connection to server failed: Connection refused")
        with mock.patch.object(connection, "ensure_connection", side_effect=refused):
            response = client.get("/readyz")
            health = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["not_ready"] and "matcher" in body["not_ready"]
    assert "Connection refused" not in response.content.decode()  # reasons go to the log only
    assert any("Not ready: database" in r.getMessage() for r in caplog.records)
    assert health.status_code == 200  # alive all the same: no restart for a database outage
    # The database is back: ready again.
    assert client.get("/readyz").status_code == 200


def test_every_dependency_has_a_check():
    assert set(readiness.CHECKS) == {"database", "cache", "task queue", "object store", "matcher"}


# --- /metrics ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_refused_without_the_token_or_an_allowed_address(client, settings):
    settings.DRACHMA_METRICS_TOKEN = "s3cret-token"
    settings.DRACHMA_METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    # A forwarded address claiming to be inside proves nothing: only the connection's counts.
    spoofed = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert spoofed.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


@pytest.mark.django_db
def test_metrics_with_nothing_configured_answer_no_one(client, settings):
    settings.DRACHMA_METRICS_TOKEN = ""
    settings.DRACHMA_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_metrics_with_the_token(client, settings, make_user):
    from drachma.safeguarding.selectors import queue_counts

    settings.DRACHMA_METRICS_TOKEN = "s3cret-token"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from drachma.core.tasks import prune_task_results

    prune_task_results.enqueue()
    client.get("/healthz")  # at least one request observed
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'drachma_request_seconds_bucket{le="0.3",method="GET",route="healthz",status="2xx"}' in (
        text
    )
    assert 'drachma_tasks_queued{queue="default"} 1.0' in text
    assert "drachma_tasks_failed 0.0" in text
    assert f"drachma_safeguarding_actions_overdue {float(queue_counts()['overdue'])}" in text
    assert "drachma_task_failures_total" in text or "drachma_task_failures" in text


# --- request ids and logs ------------------------------------------------------------------


def test_a_request_id_is_made_and_echoed(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 36 and first != second  # a UUID, the audit entries' own shape


def test_the_balancers_request_id_is_used_only_when_configured(client, settings):
    settings.DRACHMA_REQUEST_ID_HEADER = ""
    ignored = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")
    assert ignored["X-Request-ID"] != "lb-1234"
    settings.DRACHMA_REQUEST_ID_HEADER = "X-Request-ID"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] == "lb-1234"
    # Not an id (spaces, control characters, too long): a new one instead.
    for bad in ("two words", "x" * 200, "a\nb"):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad


def test_log_lines_carry_the_request_id_as_json(settings):
    from pythonjsonlogger.json import JsonFormatter

    options = dict(settings.LOGGING["formatters"]["json"])
    options.pop("()")
    formatter = JsonFormatter(**options)
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(formatter.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    log = logging.getLogger("drachma.test")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    settings.DRACHMA_REQUEST_ID_HEADER = "X-Request-ID"

    def view(request):
        log.info("inside the request")
        from django.http import HttpResponse

        return HttpResponse("ok")

    try:
        from django.test import RequestFactory

        request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-42")
        RequestMiddleware(view)(request)
        log.info("outside any request")
    finally:
        log.removeHandler(handler)
    inside, outside = (json.loads(line) for line in lines)
    assert inside["request_id"] == "req-42" and inside["message"] == "inside the request"
    assert inside["level"] == "INFO" and inside["logger"] == "drachma.test" and "time" in inside
    assert outside["request_id"] == "-"


@pytest.mark.django_db
def test_audit_entries_carry_the_requests_id(client, settings, make_user):
    from drachma.audit.models import AuditEntry
    from tests.conftest import sign_in

    settings.DRACHMA_REQUEST_ID_HEADER = "X-Request-ID"
    user = make_user("analyst")
    sign_in(client, user)
    client.get("/", HTTP_X_REQUEST_ID="trace-77")
    client.post("/accounts/logout/", HTTP_X_REQUEST_ID="trace-78")
    entry = AuditEntry.objects.filter(action="logout").latest("pk")
    assert entry.request_id == "trace-78"


# --- mail: logged and retried, never silent ---------------------------------------------


class FailingBackend(BaseEmailBackend):
    """The mail server refuses the first ``fail`` connections, then accepts."""

    fail = 0
    tries = 0

    def send_messages(self, messages):
        FailingBackend.tries += 1
        if FailingBackend.tries <= FailingBackend.fail:
            raise ConnectionRefusedError("[Errno 111] Connection refused")
        django_mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.site.test_health.FailingBackend"
    settings.DRACHMA_MAIL_ATTEMPTS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    FailingBackend.tries = 0
    django_mail.outbox = []
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return FailingBackend


def _queued_mail():
    from django_tasks import default_task_backend

    return [r for r in default_task_backend.results if r.task.name == "retry_mail"]


@pytest.mark.django_db
def test_a_failed_mail_is_logged_and_retried_until_sent(
    failing_mail, make_user, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="drachma.mail")
    failing_mail.fail = 1
    user = make_user("analyst", email="officer@force.example")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "Action overdue", "Welfare check for subject 2")
    assert django_mail.outbox == []
    warning = next(r for r in caplog.records if r.levelno == logging.WARNING)
    assert "Mail not sent (attempt 1 of 3)" in warning.getMessage()
    assert "Connection refused" in warning.getMessage()
    (queued,) = _queued_mail()
    assert list(queued.args)[2:] == [["officer@force.example"], 2]
    assert queued.task.run_after is not None  # after a pause, not at once
    # The worker's attempt: the server accepts now.
    from drachma.core.tasks import retry_mail

    assert retry_mail.call(*queued.args) is True
    assert [m.to for m in django_mail.outbox] == [["officer@force.example"]]
    assert django_mail.outbox[0].subject == "[Drachma] Action overdue"


@pytest.mark.django_db
def test_a_mail_that_keeps_failing_is_given_up_loudly(failing_mail, caplog):
    caplog.set_level(logging.INFO, logger="drachma.mail")
    failing_mail.fail = 99
    from drachma.core.tasks import retry_mail

    assert mail.deliver("Subject", "Body", ["a@force.example"]) is False
    (second,) = _queued_mail()
    assert retry_mail.call(*second.args) is False
    third = _queued_mail()[-1]
    assert list(third.args)[-1] == 3
    with pytest.raises(mail.MailNotSent, match="Connection refused"):
        retry_mail.call(*third.args)  # the task fails: kept, counted, never silent
    assert len(_queued_mail()) == 2  # nothing queued after the last attempt
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "given up" in errors[0].getMessage()


def test_the_pauses_grow():
    pauses = [mail.retry_delay(n).total_seconds() for n in range(1, 7)]
    assert pauses == sorted(pauses) and pauses[0] == 60 and pauses[-1] == 3600


@pytest.mark.django_db
def test_a_failed_task_is_counted(settings):
    from prometheus_client import REGISTRY

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def failures():
        return (
            REGISTRY.get_sample_value("drachma_task_failures_total", {"task": broken.module_path})
            or 0
        )

    before = failures()
    result = broken.enqueue()
    assert result.status == "FAILED"
    assert failures() == before + 1


@task()
def broken():
    raise RuntimeError("a task that fails")
