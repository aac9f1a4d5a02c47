"""URLs: each domain app's ``urls.py`` is mounted at ``/<app label>/`` (core at the root)."""

from django.urls import include, path

from drachma.api import api
from drachma.core.registry import app_modules, app_of

urlpatterns = [path("api/", api.urls)]

for module in app_modules("urls"):
    label = app_of(module).label
    urlpatterns.append(path("" if label == "core" else f"{label}/", include(module)))

handler403 = "drachma.core.views.forbidden"
handler404 = "drachma.core.views.not_found"
handler500 = "drachma.core.errors.server_error"
