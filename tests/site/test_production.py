"""Production's settings: the default, refusing to start without its secrets, safe by default
(`check --deploy` clean), every deployment setting read from the environment, and every
variable documented in docs/deploy.md. Processes with production's environment are started
for these (the suite itself runs on the development settings: tests/settings.py)."""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from drachma.audit.context import client_ip
from drachma.intake import services
from drachma.intake.models import Report

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "src" / "drachma" / "settings.py"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"

SECRETS = {
    "DRACHMA_SECRET_KEY": "k3Y-" + "x9Qz" * 16,
    "DRACHMA_ADDRESS_KEY": "a" * 48,
    "DRACHMA_ALLOWED_HOSTS": "drachma.force.example",
    "DRACHMA_AUDIT_KEY": "f" * 64,
}


def run(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    """``manage.py *args`` in a fresh process with only ``env`` (and the machine's own)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DRACHMA_", "DATABASE_", "DJANGO_", "REDIS_", "CACHE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DRACHMA_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def production_settings(tmp_path, names: list[str], **env) -> dict:
    script = (
        "import json; from django.conf import settings\n"
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    done = run(tmp_path, "shell", "-c", script, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_is_the_default_and_names_every_missing_secret(tmp_path):
    refused = run(tmp_path, "check")
    assert refused.returncode != 0
    message = refused.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in message
    for name in ("DRACHMA_SECRET_KEY", "DRACHMA_ADDRESS_KEY", "DRACHMA_ALLOWED_HOSTS"):
        assert name in message
    assert "DRACHMA_ENV=development" in message
    # One missing: only that one is named.
    partial = run(tmp_path, "check", **{**SECRETS, "DRACHMA_SECRET_KEY": ""})
    assert partial.returncode != 0
    last = partial.stderr.strip().splitlines()[-1]
    assert "DRACHMA_SECRET_KEY" in last and "DRACHMA_ALLOWED_HOSTS" not in last
    # The audit key is the audit app's to ask for (tests/audit/test_keys.py).
    no_audit_key = run(tmp_path, "check", **{**SECRETS, "DRACHMA_AUDIT_KEY": ""})
    assert "DRACHMA_AUDIT_KEY" in no_audit_key.stderr


def test_debug_cannot_be_turned_on_in_production(tmp_path):
    refused = run(tmp_path, "check", DRACHMA_DEBUG="1", **SECRETS)
    assert refused.returncode != 0
    assert "DRACHMA_DEBUG is on in production" in refused.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    done = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **SECRETS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_safe_defaults(tmp_path):
    got = production_settings(
        tmp_path,
        [
            "DEBUG",
            "DEVELOPMENT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_AGE",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "X_FRAME_OPTIONS",
            "SECURE_REFERRER_POLICY",
            "SECURE_CONTENT_TYPE_NOSNIFF",
            "CONTENT_SECURITY_POLICY",
            "SECURE_PROXY_SSL_HEADER",
            "DRACHMA_CLIENT_IP_HEADER",
            "EMAIL_BACKEND",
            "DRACHMA_LOG_FORMAT",
            "INSTALLED_APPS",
        ],
        **SECRETS,
    )
    assert got["DEBUG"] is False and got["DEVELOPMENT"] is False
    assert got["SESSION_COOKIE_SECURE"] and got["CSRF_COOKIE_SECURE"]
    assert got["SESSION_COOKIE_HTTPONLY"] and got["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert got["SESSION_COOKIE_AGE"] == 8 * 3600
    assert got["SECURE_SSL_REDIRECT"] is True
    assert got["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600 and got["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert got["X_FRAME_OPTIONS"] == "DENY"
    assert got["SECURE_REFERRER_POLICY"] == "same-origin"
    assert got["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    directives = got["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    # Trusting the balancer's headers is asked for, never assumed.
    assert got["SECURE_PROXY_SSL_HEADER"] is None and got["DRACHMA_CLIENT_IP_HEADER"] == ""
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert got["DRACHMA_LOG_FORMAT"] == "json"
    # The API documentation's scripts come from the project's static files.
    assert "ninja" in got["INSTALLED_APPS"]


def test_every_deployment_setting_is_read_from_the_environment(tmp_path):
    env = {
        **SECRETS,
        "DATABASE_URL": "postgres://drachma_app:pw@db.internal:6432/drachma",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "DRACHMA_TASKS_BACKEND": "rq",
        "DRACHMA_EVIDENCE_STORAGE": "s3",
        "DRACHMA_S3_BUCKET": "force-evidence",
        "DRACHMA_S3_ENDPOINT_URL": "https://rgw.internal:7480",
        "DRACHMA_S3_REGION": "eu-west-2",
        "DRACHMA_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "DRACHMA_S3_SECRET_ACCESS_KEY": "secret-example",
        "DRACHMA_S3_ADDRESSING_STYLE": "path",
        "DRACHMA_EMAIL_HOST": "smtp.internal",
        "DRACHMA_EMAIL_PORT": "587",
        "DRACHMA_EMAIL_USER": "drachma",
        "DRACHMA_EMAIL_PASSWORD": "mail-secret",
        "DRACHMA_EMAIL_STARTTLS": "1",
        "DRACHMA_FROM_EMAIL": "drachma@force.example",
        "DRACHMA_ALLOWED_HOSTS": "drachma.force.example,drachma-internal",
        "DRACHMA_CSRF_TRUSTED_ORIGINS": "https://drachma.force.example",
        "DRACHMA_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "DRACHMA_CLIENT_IP_HEADER": "X-Forwarded-For",
        "DRACHMA_METRICS_TOKEN": "metrics-token",
    }
    names = [
        "DATABASES",
        "CACHES",
        "TASKS",
        "RQ_QUEUES",
        "INSTALLED_APPS",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_S3_ACCESS_KEY_ID",
        "AWS_S3_SECRET_ACCESS_KEY",
        "AWS_S3_ADDRESSING_STYLE",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_PROXY_SSL_HEADER",
        "DRACHMA_CLIENT_IP_HEADER",
    ]
    got = production_settings(tmp_path, names, **env)
    db = got["DATABASES"]["default"]
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        6432,
        "drachma",
        "drachma_app",
    )
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] == 60
    assert db["OPTIONS"]["connect_timeout"] == 5
    assert got["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert got["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert got["RQ_QUEUES"]["default"]["URL"] == "redis://cache.internal:6379/0"
    assert "django_rq" in got["INSTALLED_APPS"]
    assert got["AWS_STORAGE_BUCKET_NAME"] == "force-evidence"
    assert got["AWS_S3_ENDPOINT_URL"] == "https://rgw.internal:7480"
    assert got["AWS_S3_REGION_NAME"] == "eu-west-2"
    assert got["AWS_S3_ACCESS_KEY_ID"] == "AKIDEXAMPLE"
    assert got["AWS_S3_SECRET_ACCESS_KEY"] == "secret-example"
    assert got["AWS_S3_ADDRESSING_STYLE"] == "path"
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"]) == ("smtp.internal", 587)
    assert (got["EMAIL_HOST_USER"], got["EMAIL_HOST_PASSWORD"]) == ("drachma", "mail-secret")
    assert got["EMAIL_USE_TLS"] is True and got["DEFAULT_FROM_EMAIL"] == "drachma@force.example"
    assert got["ALLOWED_HOSTS"] == ["drachma.force.example", "drachma-internal"]
    assert got["CSRF_TRUSTED_ORIGINS"] == ["https://drachma.force.example"]
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert got["DRACHMA_CLIENT_IP_HEADER"] == "X-Forwarded-For"


def test_the_s3_store_loads_boto3_with_the_configured_bucket(settings):
    settings.DRACHMA_EVIDENCE_STORAGE = "s3"
    settings.AWS_STORAGE_BUCKET_NAME = "force-evidence"
    settings.AWS_S3_ENDPOINT_URL = "http://127.0.0.1:1"
    settings.AWS_S3_REGION_NAME = "eu-west-2"
    settings.AWS_S3_ACCESS_KEY_ID = "AKIDEXAMPLE"
    settings.AWS_S3_SECRET_ACCESS_KEY = "secret-example"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    from drachma.evidence.store import default_storage

    storage = default_storage()
    client = storage.connection.meta.client  # boto3 loaded and configured, nothing sent yet
    assert storage.bucket_name == "force-evidence"
    assert client.meta.endpoint_url == "http://127.0.0.1:1"
    assert client.meta.region_name == "eu-west-2"


def test_a_bad_value_is_named(tmp_path):
    done = run(tmp_path, "check", DRACHMA_EVIDENCE_STORAGE="ftp", **SECRETS)
    assert done.returncode != 0 and "DRACHMA_EVIDENCE_STORAGE is 'ftp'" in done.stderr
    done = run(tmp_path, "check", DRACHMA_TASKS_BACKEND="rq", **SECRETS)
    assert done.returncode != 0 and "DRACHMA_TASKS_BACKEND=rq needs REDIS_URL" in done.stderr
    done = run(tmp_path, "check", DRACHMA_HSTS_SECONDS="a year", **SECRETS)
    assert done.returncode != 0 and "DRACHMA_HSTS_SECONDS must be a whole number" in done.stderr


def test_every_environment_variable_read_in_settings_is_documented():
    source = SETTINGS.read_text(encoding="utf-8")
    read = set(re.findall(r"\benv(?:_bool|_int|_list)?\(\s*\"([A-Z0-9_]+)\"", source))
    read |= set(re.findall(r"\brequired\(\s*\"([A-Z0-9_]+)\"", source))
    assert {"DRACHMA_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DRACHMA_S3_BUCKET"} <= read
    documented = set(re.findall(r"^\|\s*`([A-Z0-9_]+)`", DEPLOY_DOC.read_text(), re.MULTILINE))
    missing = sorted(read - documented)
    assert not missing, f"read in settings.py but not in docs/deploy.md's tables: {missing}"


# --- headers in production -------------------------------------------------------------


@pytest.mark.django_db
def test_production_headers_on_a_page(client, settings):
    from drachma import settings as real

    settings.CONTENT_SECURITY_POLICY = real._CSP
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert re.fullmatch(r"[0-9a-f-]{36}", response["X-Request-ID"])


# --- demo commands ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["seed_demo", "print_demo_logins"])
def test_demo_commands_refuse_outside_development(settings, command):
    settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="runs only on the development settings"):
        call_command(command)


# --- the client's address behind the load balancer -------------------------------------


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **meta)


def test_a_forwarded_address_is_ignored_unless_the_header_is_configured(settings):
    settings.DRACHMA_CLIENT_IP_HEADER = ""
    spoofed = _request(HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_REAL_IP="203.0.113.10")
    assert client_ip(spoofed) == "10.0.0.5"


def test_the_configured_header_gives_the_address_the_balancer_saw(settings):
    settings.DRACHMA_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.DRACHMA_CLIENT_IP_PROXIES = 1
    # The client claims an address; the balancer appends the one it saw, last.
    request = _request(HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    settings.DRACHMA_CLIENT_IP_PROXIES = 2  # a CDN before the balancer
    assert client_ip(request) == "198.51.100.1"
    settings.DRACHMA_CLIENT_IP_PROXIES = 3  # fewer hops than proxies: the connection's own
    assert client_ip(request) == "10.0.0.5"
    settings.DRACHMA_CLIENT_IP_HEADER, settings.DRACHMA_CLIENT_IP_PROXIES = "X-Real-IP", 1
    assert client_ip(_request(HTTP_X_REAL_IP="2001:db8::7")) == "2001:db8::7"
    assert client_ip(_request(HTTP_X_REAL_IP="not-an-address")) == "10.0.0.5"
    assert client_ip(_request()) == "10.0.0.5"


@pytest.mark.django_db
@pytest.mark.parametrize("configured", [False, True])
def test_the_reporting_page_limits_by_the_balancers_address_only(client, settings, configured):
    settings.DRACHMA_CLIENT_IP_HEADER = "X-Forwarded-For" if configured else ""
    data = {
        "reporter_type": "public",
        "concern": "confrontation_happened",
        "text": "A group filmed a man outside the station and posted it live.",
        "place": "Rochdale",
        "when_text": "Today",
        "form_token": uuid.uuid4().hex,
    }
    response = client.post(
        "/intake/report/", data, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert response.status_code == 200, response.content[:500]
    expected = "203.0.113.9" if configured else "10.0.0.5"
    assert Report.objects.get().submitter_hash == services.hash_address(expected)


def test_the_address_hash_has_its_own_key(settings):
    before = services.hash_address("203.0.113.9")
    settings.SECRET_KEY = "another-secret-key-" + "z" * 40
    assert services.hash_address("203.0.113.9") == before
    settings.DRACHMA_ADDRESS_KEY = "another-address-key"
    assert services.hash_address("203.0.113.9") != before


@pytest.mark.django_db
def test_the_api_documentation_loads_its_scripts_from_the_project(client, make_user):
    from tests.conftest import sign_in

    sign_in(client, make_user("analyst"))
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
