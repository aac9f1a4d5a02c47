"""The access matrix: every page and API operation, and which roles may use it.

``docs/roles.md`` is the matrix, written for people. ``manage.py access_matrix`` drafts it
from what the code declares (each view's permissions, each role's grants), so that a new
endpoint's row can be reviewed before it is pasted in; ``tests/site/test_role_matrix.py``
requests every row as every role and checks the answer against the document.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from drachma.accounts.roles import role_permissions
from drachma.core.apitools import app_routers
from drachma.core.roles import Role

ROLE_COLUMNS = [str(r) for r in Role] + ["anonymous"]
# URL parameters that choose a view of data rather than name a record: a denied role gets 403
# on such a URL (there is no record whose existence a 404 would hide).
NON_RECORD_PARAMS = {"fmt", "by", "action", "kind", "section"}


def _names_a_record(route: str) -> bool:
    params = re.findall(r"<(?:\w+:)?(\w+)>|{(\w+)}", route)
    return any((a or b) not in NON_RECORD_PARAMS for a, b in params)


YES, NO = "✓", "·"
# The column after "Endpoint" that marks a row showing personal data: every allowed GET of
# such a row must record a view in the audit log (tests/site/test_role_matrix.py checks it).
PERSONAL_COLUMN = "Personal data"
PERSONAL = "yes"


@dataclass(frozen=True)
class Endpoint:
    method: str
    key: str  # "namespace:name" for a page, "/api/…" path template for an API operation
    section: str  # app label
    permissions: tuple
    public: bool
    has_params: bool
    is_api: bool
    route: str = ""

    def allowed_for(self, role: str, grants: dict[str, set[str]]) -> bool:
        if self.public:
            return True
        if role == "anonymous":
            return False
        return set(self.permissions) <= grants.get(role, set())


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "api":
                continue
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace, entry, prefix + str(entry.pattern)


def page_endpoints() -> list[Endpoint]:
    endpoints = []
    for namespace, pattern, route in _walk(get_resolver()):
        view = pattern.callback
        if not namespace or not pattern.name or route.startswith("static/"):
            continue
        methods = getattr(view, "allowed_methods", None) or ("GET",)
        for method in methods:
            endpoints.append(
                Endpoint(
                    method=method,
                    key=f"{namespace}:{pattern.name}",
                    section=namespace,
                    permissions=tuple(getattr(view, "required_permissions", ("UNDECLARED",))),
                    public=getattr(view, "is_public", False),
                    has_params=_names_a_record(route),
                    is_api=False,
                    route="/" + route,
                )
            )
    return endpoints


def api_endpoints() -> list[Endpoint]:
    # Loading the URLconf mounts the API (drachma.urls), which gives every operation that
    # names no access rule the API's default one; read the routers only after that.
    get_resolver().url_patterns  # noqa: B018
    endpoints = []
    for prefix, router, _tags in app_routers():
        section = prefix.strip("/") or "core"
        for path, path_view in router.path_operations.items():
            full = "/api" + re.sub(r"/+", "/", f"/{prefix}/{path}")
            full = re.sub(r"{(\w+:)?(\w+)}", r"{\2}", full)
            for operation in path_view.operations:
                auth = operation.auth_callbacks[0] if operation.auth_callbacks else None
                public = not operation.auth_callbacks
                for method in operation.methods:
                    endpoints.append(
                        Endpoint(
                            method=method,
                            key=full,
                            section=section,
                            permissions=tuple(getattr(auth, "perms", ())),
                            public=public,
                            has_params=_names_a_record(full),
                            is_api=True,
                            route=full,
                        )
                    )
    return endpoints


def all_endpoints() -> list[Endpoint]:
    return sorted(
        page_endpoints() + api_endpoints(), key=lambda e: (e.section, e.is_api, e.key, e.method)
    )


def render_section(section: str, endpoints: list[Endpoint]) -> str:
    grants = role_permissions()
    lines = [
        f"## {section}",
        "",
        f"| Method | Endpoint | {PERSONAL_COLUMN} | " + " | ".join(ROLE_COLUMNS) + " |",
        "|---|---|---|" + "---|" * len(ROLE_COLUMNS),
    ]
    for e in endpoints:
        cells = [YES if e.allowed_for(role, grants) else NO for role in ROLE_COLUMNS]
        # Whether a row shows personal data is the reviewer's to say: drafted blank.
        lines.append(f"| {e.method} | `{e.key}` |  | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_all() -> str:
    sections: dict[str, list[Endpoint]] = {}
    for e in all_endpoints():
        sections.setdefault(e.section, []).append(e)
    return "\n".join(render_section(s, es) for s, es in sections.items())


ROW = re.compile(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


def parse_matrix(text: str) -> dict[tuple[str, str], dict[str, bool]]:
    """Rows of docs/roles.md: (method, endpoint) -> role -> allowed."""
    return {key: row.allowed for key, row in parse_rows(text).items()}


def personal_rows(text: str) -> set[tuple[str, str]]:
    """The rows of docs/roles.md marked as showing personal data."""
    return {key for key, row in parse_rows(text).items() if row.personal}


@dataclass(frozen=True)
class MatrixRow:
    allowed: dict[str, bool]
    personal: bool


def parse_rows(text: str) -> dict[tuple[str, str], MatrixRow]:
    """Every row of docs/roles.md: who may use it, and whether it shows personal data."""
    rows: dict[tuple[str, str], MatrixRow] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("| Method |"):
            header = [c.strip() for c in line.strip().strip("|").split("|")][2:]
            continue
        match = ROW.match(line.strip())
        if not match or header is None:
            continue
        method, key, rest = match.groups()
        cells = [c.strip() for c in rest.split("|")]
        if len(cells) != len(header):
            raise ValueError(
                f"docs/roles.md: row {method} {key} has {len(cells)} cells, expected {len(header)}"
            )
        personal = False
        if header and header[0] == PERSONAL_COLUMN:
            mark, cells = cells[0], cells[1:]
            if mark not in ("", PERSONAL):
                raise ValueError(
                    f"docs/roles.md: row {method} {key} has {mark!r} for personal data; "
                    f"write {PERSONAL!r} or leave it empty"
                )
            personal = mark == PERSONAL
        roles = header[1:] if header and header[0] == PERSONAL_COLUMN else header
        bad = [c for c in cells if c not in (YES, NO)]
        if bad:
            raise ValueError(
                f"docs/roles.md: row {method} {key} has cells other than {YES} and {NO}: {bad}"
            )
        if (method, key) in rows:
            raise ValueError(f"docs/roles.md: row {method} {key} appears twice")
        rows[(method, key)] = MatrixRow(
            allowed={role: cell == YES for role, cell in zip(roles, cells, strict=True)},
            personal=personal,
        )
    return rows
