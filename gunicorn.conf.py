"""gunicorn's configuration for Drachma's web processes (docs/deploy.md, "The processes").

    gunicorn -c gunicorn.conf.py

Every value comes from the environment (GUNICORN_*), with defaults for one machine. The access
log is one JSON object a line on standard output, with the request's id (the X-Request-ID the
application answers with), the path without its query string (filters can name people), the
status and the time taken. The workers share their Prometheus figures through
PROMETHEUS_MULTIPROC_DIR, so that any worker answers /metrics for all of them.
"""

import datetime
import json
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

from gunicorn import glogging

# Before any worker imports prometheus_client: it chooses how to keep its values at import.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="drachma-metrics-"))

wsgi_app = "drachma.wsgi:application"
# A checkout runs without installing the package: its src/ first on the path.
pythonpath = str(Path(__file__).resolve().parent / "src")
# Django is imported once, in the master, before the workers fork: they answer at once and
# share its memory. (Connections to the database are opened by each worker, later.)
preload_app = True

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# A request longer than this (a large upload being hashed) has its worker restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
# On SIGTERM (a deploy, systemd stopping the unit) workers finish what they are answering.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Workers are replaced now and then (memory held by large requests is returned).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
# Heartbeats in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonLogger(glogging.Logger):
    """gunicorn's logger, writing each access as one JSON object."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {k.lower(): v for k, v in (resp.headers or [])}
        line = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id", "-"),
            "remote": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": environ.get("PATH_INFO", "-"),
            "status": getattr(resp, "status_code", None),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:200],
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:  # noqa: BLE001 - a log line must never fail a request
            self.exception("Could not write the access log line")


logger_class = JsonLogger


def on_starting(server):
    # Figures of an earlier run of the same directory would be added to this one's.
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for entry in os.listdir(directory):
        path = os.path.join(directory, entry)
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
