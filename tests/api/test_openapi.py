"""The OpenAPI document names each schema once: django-ninja keys components by class name,
so two apps' ``ItemOut`` would share one entry and one app's answers would be documented (and
checked by clients) against the other's schema."""

from collections import defaultdict

from ninja import Schema

from drachma.api import api


def _schemas(cls=Schema):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("drachma."):
            yield sub
        yield from _schemas(sub)


def test_every_api_schema_has_its_own_name():
    api.get_openapi_schema()  # every router's schemas imported
    modules = defaultdict(set)
    for schema in _schemas():
        modules[schema.__name__].add(schema.__module__)
    shared = {name: sorted(m) for name, m in modules.items() if len(m) > 1}
    assert not shared, f"schema names declared in several modules: {shared}"
