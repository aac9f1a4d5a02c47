"""Shared fixtures: users per role, the API client, and Playwright driving Debian's Chromium."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check what a function returns, not how fast: on a shared CI machine a slow
# example must not fail as "deadline exceeded".
hypothesis_settings.register_profile("drachma", deadline=None)
hypothesis_settings.load_profile("drachma")

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously from that thread, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    # The demo data set's tests, by file: CI's PostgreSQL leg leaves them (and the browser
    # tests) out, because .ci/run loads the demo on PostgreSQL itself (the roles block).
    for item in items:
        if item.path.name.startswith("test_demo"):
            item.add_marker(pytest.mark.demo)


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    # Argon2 is what production uses (tests/accounts checks it); tests that create many users
    # use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.DRACHMA_EVIDENCE_ROOT = tmp_path / "evidence"
    # Anchors vouch for one database's chain: each test's database gets its own file.
    settings.DRACHMA_AUDIT_ANCHOR_PATH = tmp_path / "audit-anchors.log"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def axe():
    """``axe(page)``: the vendored axe-core's WCAG 2.2 AA violations on the page
    (tests/browser/axe.py)."""
    from tests.browser.axe import run_axe

    return run_axe


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time():
    """On SQLite the live server's threads share the test's one in-memory connection, and with
    ATOMIC_REQUESTS two requests at once (a page and its htmx call) collide ("cannot start a
    transaction within a transaction"). One request at a time there; Django then closes each
    connection after its answer, so the browser never waits on a kept-alive one. PostgreSQL
    keeps the threaded server (its race tests need real concurrency)."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        # The live server's own thread already uses the shared connections.
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    if connection.vendor == "sqlite":
        LiveServerThread.server_class = OneAtATime


@pytest.fixture
def page(browser, request):
    # The live server (and the database it flushes afterwards) must outlive the browser: a
    # page still loading when the flush ran wrote rows through the shared SQLite connection
    # and broke the flush's foreign keys. Set up first, it is torn down last.
    live_server = None
    if "live_server" in request.fixturenames:
        live_server = request.getfixturevalue("live_server")
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    # Generous: a loaded CI machine answered a first page in over 15 s.
    page.set_default_timeout(30_000)
    yield page
    context.close()
    if live_server is not None:
        _wait_until_idle(live_server)


def _wait_until_idle(live_server) -> None:
    """Closing the browser does not stop a request the server is still answering (a page's
    stylesheet, an htmx call), and on SQLite that request shares the test's connection with
    the flush that follows ("database table is locked"). The SQLite live server answers one
    request at a time, so once a request of our own is answered, nothing else is running."""
    from urllib.request import urlopen

    from django.db import connection

    if connection.vendor == "sqlite":
        with urlopen(f"{live_server.url}/healthz", timeout=60) as answer:
            answer.read()


# --- users and roles -------------------------------------------------------------------


@pytest.fixture
def make_user(db):
    """``make_user("analyst")`` makes a user holding that role (or roles)."""
    from drachma.accounts.services import create_user

    counter = {"n": 0}

    def make(
        *roles: str,
        username: str | None = None,
        supervisor=None,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str = "Tester",
    ):
        counter["n"] += 1
        name = username or f"{'_'.join(roles) or 'norole'}_{counter['n']}"
        return create_user(
            username=name,
            password="correct horse battery staple",
            roles=list(roles),
            first_name=first_name or name.title(),
            last_name=last_name,
            email=email if email is not None else f"{name}@police.example",
            supervisor=supervisor,
        )

    return make


# One user per role, for tests that need just one of each (``make_user`` for more).
@pytest.fixture
def analyst(make_user):
    return make_user("analyst")


@pytest.fixture
def investigator(make_user):
    return make_user("investigator")


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor")


@pytest.fixture
def auditor(make_user):
    return make_user("auditor")


@pytest.fixture
def administrator(make_user):
    return make_user("administrator")


@pytest.fixture
def safeguarding_officer(make_user):
    return make_user("safeguarding_officer")


@pytest.fixture
def disclosure_officer(make_user):
    return make_user("disclosure_officer")


@pytest.fixture
def dana(make_user):
    """An investigator whose full name the custody records print: Dana Whitfield."""
    return make_user("investigator", first_name="Dana", last_name="Whitfield")


def sign_in(client, user):
    """Log a test client in as ``user``, passing the second factor where the role needs it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from drachma.accounts.middleware import second_factor_required

    client.force_login(user)
    if second_factor_required(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def sign_in_through_the_form(page, user, password: str = "correct horse battery staple"):
    """On the login page: sign in as ``user`` with the password, then pass the second factor
    as the user would, with a code from their authenticator (enrolled here if they have none)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test phone"}
    )
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").wait_for()
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


@pytest.fixture
def analyst_client(client, analyst):
    """The test client signed in as the ``analyst``."""
    return sign_in(client, analyst)


@pytest.fixture
def investigator_client(client, investigator):
    """The test client signed in as the ``investigator``."""
    return sign_in(client, investigator)


@pytest.fixture
def client_as(client, make_user):
    """``client_as("analyst")`` returns the test client signed in as a new analyst."""

    def login(*roles: str, user=None):
        return sign_in(client, user or make_user(*roles))

    return login


# --- records that tests make many of (one-off makers are in tests/factories.py) ---------------


@pytest.fixture
def make_report(db):
    """``make_report(concern=..., files=[upload(...)], ...)``: a report through the intake
    service, a member of the public's account of a confrontation unless the fields say otherwise."""
    from drachma.intake import services

    def make(**fields):
        defaults = {
            "reporter_type": "public",
            "concern": "confrontation_happened",
            "text": "A report.",
        }
        defaults.update(fields)
        return services.submit_report(**defaults)

    return make


@pytest.fixture
def make_item(db, investigator):
    """``make_item(platform=..., file=...)``: a takedown content item (footage) through the
    service, recorded by the ``investigator`` at an address of its own."""
    from drachma.takedown import services

    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        defaults = {
            "url": f"https://video.example/watch?v={counter['n']}",
            "platform": "youtube",
            "user": investigator,
        }
        defaults.update(fields)
        return services.create_content_item(**defaults)

    return make
