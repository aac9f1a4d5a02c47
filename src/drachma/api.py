"""The API: each domain app's ``api.router`` is mounted at ``/api/<app label>/``."""

from django.apps import apps
from django.utils.module_loading import import_string, module_has_submodule

from drachma.core.apitools import build_api

api = build_api()

for config in apps.get_app_configs():
    if config.name.startswith("drachma.") and module_has_submodule(config.module, "api"):
        router = import_string(f"{config.name}.api.router")
        api.add_router(f"/{config.label}/", router, tags=[str(config.verbose_name).capitalize()])
