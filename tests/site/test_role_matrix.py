"""docs/roles.md is the access matrix; this walks it against every page and API operation.

Every URL pattern and API operation must have a row (a new endpoint without one fails), every
row must name a real endpoint, and every row is requested as every role: allowed roles must
get through, denied roles must get 403 (404 for a URL naming a record, so that its
existence is not revealed), and anonymous callers the login page (pages) or 401 (API).
Sample URL arguments come from ``tests/<app>/samples.py``.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from drachma.core.roles import Role
from drachma.site.access_matrix import (
    PERSONAL_COLUMN,
    ROLE_COLUMNS,
    all_endpoints,
    parse_matrix,
    personal_rows,
)
from tests.conftest import sign_in

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def documented():
    return parse_matrix(DOC.read_text(encoding="utf-8"))


def test_every_endpoint_has_a_row_and_every_row_an_endpoint():
    code = {(e.method, e.key) for e in all_endpoints()}
    doc = set(documented())
    missing = sorted(code - doc)
    stale = sorted(doc - code)
    assert not missing, f"endpoints without a row in docs/roles.md: {missing}"
    assert not stale, f"rows in docs/roles.md naming no endpoint: {stale}"


def test_every_endpoint_declares_its_permissions():
    undeclared = [(e.method, e.key) for e in all_endpoints() if "UNDECLARED" in e.permissions]
    assert not undeclared, f"views without @require / @require_perm / public: {undeclared}"


def test_matrix_has_every_role_column():
    text = DOC.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Method |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert columns[2] == PERSONAL_COLUMN and columns[3:] == ROLE_COLUMNS


class World:
    """One user per role and one sample record of each kind, for URL arguments."""

    def __init__(self, make_user):
        self.users = {str(role): make_user(str(role)) for role in Role}
        self.kwargs: dict = {}

    def build(self):
        for app in settings.DRACHMA_APPS:
            try:
                module = importlib.import_module(f"tests.{app.split('.')[-1]}.samples")
            except ModuleNotFoundError:
                continue
            self.kwargs.update(module.build(self))
        return self


def _url(endpoint, kwargs):
    if endpoint.is_api:
        try:
            return endpoint.key.format(**kwargs)
        except KeyError as exc:
            pytest.fail(
                f"no sample value for {exc} in {endpoint.key}: add it to tests/<app>/samples.py"
            )
    from django.urls.exceptions import NoReverseMatch

    params = re.findall(r"<(?:\w+:)?(\w+)>", endpoint.route)
    missing = [p for p in params if p not in kwargs]
    if missing:
        pytest.fail(
            f"no sample value for {missing} in {endpoint.key}: add it to tests/<app>/samples.py"
        )
    try:
        return reverse(endpoint.key, kwargs={p: kwargs[p] for p in params})
    except NoReverseMatch as exc:
        pytest.fail(f"cannot build {endpoint.key}: {exc}")


def _request(client, method, url, is_api):
    if is_api:
        return client.generic(method, url, data="{}", content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.generic(method, url, data="", content_type="application/x-www-form-urlencoded")


def _check(endpoint, role, allowed, response):
    status = response.status_code
    where = f"{endpoint.method} {endpoint.key} as {role}: got {status}"
    assert status < 500, where + " (server error)"
    if allowed:
        assert status not in (401, 403, 404), where + ", but docs/roles.md allows it"
        if role == "anonymous" and not endpoint.is_api:
            assert "/accounts/login/?next=" not in response.get("Location", ""), (
                where + " (sent to login)"
            )
        return
    if role == "anonymous":
        if endpoint.is_api:
            assert status == 401, where + ", expected 401"
        else:
            assert status == 302 and "/accounts/login/?next=" in response["Location"], (
                where + ", expected the login page"
            )
        return
    expected = 404 if endpoint.has_params else 403
    assert status == expected, where + f", expected {expected} (docs/roles.md denies it)"


def _sections():
    return sorted({e.section for e in all_endpoints()})


def _views_recorded() -> int:
    from drachma.audit.models import AuditAction, AuditEntry

    return AuditEntry.objects.filter(action=AuditAction.VIEW).count()


@pytest.mark.django_db
@pytest.mark.parametrize("section", _sections())
def test_role_matrix(section, make_user):
    rows = documented()
    personal = personal_rows(DOC.read_text(encoding="utf-8"))
    world = World(make_user).build()
    endpoints = [e for e in all_endpoints() if e.section == section]
    for endpoint in endpoints:
        expected = rows.get((endpoint.method, endpoint.key))
        if expected is None:
            continue  # reported by test_every_endpoint_has_a_row_and_every_row_an_endpoint
        for role in ROLE_COLUMNS:
            client = Client()
            user = world.users.get(role, world.users["analyst"])
            if role != "anonymous":
                sign_in(client, user)
            with transaction.atomic():
                # A sample may be a function of the user, for records that are the user's own.
                kwargs = {k: v(user) if callable(v) else v for k, v in world.kwargs.items()}
                url = _url(endpoint, kwargs)
                views_before = _views_recorded()
                response = _request(client, endpoint.method, url, endpoint.is_api)
                views_recorded = _views_recorded() - views_before
                transaction.set_rollback(True)
            _check(endpoint, role, expected[role], response)
            if (
                (endpoint.method, endpoint.key) in personal
                and endpoint.method == "GET"
                and expected[role]
                and role != "anonymous"
            ):
                # Every door to personal data records who looked (docs/roles.md marks them).
                assert views_recorded >= 1, (
                    f"GET {endpoint.key} as {role} shows personal data but recorded no view"
                )
