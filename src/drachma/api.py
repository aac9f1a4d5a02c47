"""The API: each domain app's ``api.router`` is mounted at ``/api/<app label>/``."""

from drachma.accounts.apiauth import Undeclared
from drachma.core.apitools import build_api
from drachma.core.registry import app_modules, app_of

# An operation that names no permissions is refused to everyone.
api = build_api(default_auth=Undeclared())

for module in app_modules("api"):
    config = app_of(module)
    api.add_router(f"/{config.label}/", module.router, tags=[str(config.verbose_name).capitalize()])
