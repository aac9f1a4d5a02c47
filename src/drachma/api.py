"""The API: each domain app's ``api.router`` is mounted at ``/api/<app label>/``."""

from drachma.core.apitools import app_routers, build_api

api = build_api()

for prefix, router, tags in app_routers():
    api.add_router(prefix, router, tags=tags)
