"""URLs: each domain app's ``urls.py`` is mounted at ``/<app label>/`` (core at the root).
``/healthz``, ``/readyz`` and ``/metrics`` are for the machines around it (docs/deploy.md)."""

from django.urls import include, path

from drachma.api import api
from drachma.core.registry import app_modules, app_of
from drachma.site import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics_view, name="metrics"),
    path("api/", api.urls),
]

for module in app_modules("urls"):
    label = app_of(module).label
    urlpatterns.append(path("" if label == "core" else f"{label}/", include(module)))

handler403 = "drachma.core.views.forbidden"
handler404 = "drachma.core.views.not_found"
handler500 = "drachma.core.errors.server_error"
