"""URLs: each domain app's ``urls.py`` is mounted at ``/<app label>/`` (core at the root)."""

from django.apps import apps
from django.urls import include, path
from django.utils.module_loading import module_has_submodule

from drachma.api import api

urlpatterns = [path("api/", api.urls)]

for config in apps.get_app_configs():
    if config.name.startswith("drachma.") and module_has_submodule(config.module, "urls"):
        prefix = "" if config.label == "core" else f"{config.label}/"
        urlpatterns.append(path(prefix, include(f"{config.name}.urls")))

handler403 = "drachma.core.views.forbidden"
handler404 = "drachma.core.views.not_found"
