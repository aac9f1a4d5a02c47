"""Every API operation fuzzed by schemathesis from /api/openapi.json, as every role that may
use it: no answer is a server error, and every answer matches the schema the API publishes.

The run is bounded (``DRACHMA_FUZZ_EXAMPLES`` cases per operation, 3 unless set; derandomized,
so a failure is found again by the next run) to keep it part of the ordinary suite. Path
parameters name the sample records of ``tests/<app>/samples.py`` (the role matrix's), so that
operations on one record reach their code rather than a 404. Each request is rolled back, so
that a case which deletes or changes a sample does not change what the next one finds.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from drachma.accounts.models import APIToken
from drachma.accounts.roles import role_permissions
from drachma.site.access_matrix import api_endpoints
from tests.site.test_role_matrix import World

EXAMPLES = int(os.environ.get("DRACHMA_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _allowed_roles(users: dict, grants: dict) -> dict[tuple[str, str], list[str]]:
    """(method, path) -> the roles that may use the operation (all roles for a public one)."""
    return {
        (e.method, e.key): [role for role in users if e.allowed_for(role, grants)]
        for e in api_endpoints()
    }


@pytest.fixture
def wsgi_app():
    """The Django application as a server runs it, but keeping the test's connection (and its
    transaction) across requests, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_every_operation_as_every_role(make_user, settings, wsgi_app):
    # Tokens for every role, administrators too: a token cannot pass a second factor, and
    # here the door under test is the operation, not the sign-in.
    settings.DRACHMA_SECOND_FACTOR_REQUIRED_ROLES = []
    world = World(make_user).build()
    tokens = {role: APIToken.issue(user, "fuzz")[1] for role, user in world.users.items()}
    kwargs = {
        role: {k: v(user) if callable(v) else v for k, v in world.kwargs.items()}
        for role, user in world.users.items()
    }
    allowed = _allowed_roles(world.users, role_permissions())
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)

    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        roles = allowed.get((operation.method.upper(), operation.path)) or list(world.users)

        @hypothesis_settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), role=st.sampled_from(roles))
        def run(case, role):
            for name in case.path_parameters or {}:
                if name in kwargs[role]:
                    case.path_parameters[name] = kwargs[role][name]
            with transaction.atomic():
                response = case.call(headers={"Authorization": f"Bearer {tokens[role]}"})
                transaction.set_rollback(True)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # one operation's failure must not hide the next one's
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")

    assert operations > 50, f"only {operations} operations in /api/openapi.json"
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
