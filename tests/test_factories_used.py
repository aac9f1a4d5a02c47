"""One set of role users and record makers for every app's tests: a test module that defines its
own copy of a shared fixture or maker, or a fixture that is only a role user under another
name, fails here (a scan of the test files' syntax, nothing is run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SHARED = {TESTS / "conftest.py", TESTS / "factories.py"}
# Calls that make or sign in one user of one role: ``make_user("analyst")``,
# ``client_as("analyst")``.
USER_MAKERS = {"make_user", "client_as"}


def _is_fixture(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return True
        if isinstance(target, ast.Name) and target.id == "fixture":
            return True
    return False


def _top_level_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef)]


def shared_names() -> dict[str, str]:
    """The fixtures of tests/conftest.py and the functions of tests/factories.py, each with
    the file that holds it."""
    names: dict[str, str] = {}
    for path in sorted(SHARED):
        for node in _top_level_functions(ast.parse(path.read_text())):
            if not node.name.startswith("_"):
                names[node.name] = path.name
    return names


def _one_role_user(node: ast.FunctionDef, role_fixtures: set[str]) -> str | None:
    """What the fixture returns when its whole body is one role's user (or a client signed in
    as one): ``return make_user("analyst")``, ``return client_as("analyst")``,
    ``return sign_in(client, analyst)``; otherwise None."""
    body = [n for n in node.body if not isinstance(n, ast.Expr)]  # a docstring is allowed
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    call = body[0].value
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return None
    args = call.args
    one_string = len(args) == 1 and isinstance(args[0], ast.Constant)
    if call.func.id in USER_MAKERS and not call.keywords and one_string:
        return f'{call.func.id}("{args[0].value}")'
    # The shared test client signed in (a second Client() is a test's own).
    on_the_client = len(args) == 2 and isinstance(args[0], ast.Name) and args[0].id == "client"
    if call.func.id == "sign_in" and on_the_client:
        user = args[1]
        if isinstance(user, ast.Name) and user.id in role_fixtures:
            return f"sign_in(..., {user.id})"
        if isinstance(user, ast.Call) and isinstance(user.func, ast.Name):
            inner = user.func.id in USER_MAKERS and not user.keywords and len(user.args) == 1
            if inner and isinstance(user.args[0], ast.Constant):
                return f'sign_in(..., {user.func.id}("{user.args[0].value}"))'
    return None


def role_fixtures() -> set[str]:
    """The role users of tests/conftest.py (``analyst``, ``supervisor``, ...)."""
    tree = ast.parse((TESTS / "conftest.py").read_text())
    return {
        n.name
        for n in _top_level_functions(tree)
        if _is_fixture(n) and _one_role_user(n, set()) is not None
    }


def problems_in(source: str, name: str, shared: dict[str, str], roles: set[str]) -> list[str]:
    found = []
    for node in _top_level_functions(ast.parse(source)):
        if node.name in shared:
            found.append(
                f"{name}:{node.lineno} defines {node.name}(), which tests/{shared[node.name]} "
                "already has: use that one"
            )
        elif _is_fixture(node) and (made := _one_role_user(node, roles)):
            found.append(
                f"{name}:{node.lineno} fixture {node.name} is only {made}: use the shared role "
                "fixture of tests/conftest.py (or make_user/client_as in the test)"
            )
    return found


def test_no_test_module_redefines_a_shared_role_user_or_maker():
    shared, roles = shared_names(), role_fixtures()
    assert {"analyst", "supervisor", "make_user", "make_incident", "send", "ago"} <= set(shared)
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        if path in SHARED:
            continue
        found += problems_in(path.read_text(), str(path.relative_to(TESTS)), shared, roles)
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("@pytest.fixture\ndef supervisor(make_user):\n    return make_user('supervisor')\n", 1),
        ("@pytest.fixture\ndef author(make_user):\n    return make_user('analyst')\n", 1),
        ("@pytest.fixture\ndef viewer(client_as):\n    return client_as('analyst')\n", 1),
        (
            "@pytest.fixture\ndef me(client, investigator):\n"
            "    return sign_in(client, investigator)\n",
            1,
        ),
        ("def send(client, method, url, payload):\n    return client.generic(method, url)\n", 1),
        ("def make_incident(user):\n    return None\n", 1),
        # A particular user (a name the test reads, a supervisor above) is the test's own.
        (
            "@pytest.fixture\ndef sergeant(make_user):\n"
            "    return make_user('supervisor', username='s')\n",
            0,
        ),
        ("def incident_in(state, user):\n    return make_incident(user)\n", 0),
    ],
)
def test_the_scan_catches_copies_and_lets_particular_setups_be(source, caught):
    assert len(problems_in(source, "sample.py", shared_names(), role_fixtures())) == caught
