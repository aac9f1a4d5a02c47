"""The apps' modules, found once: ``app_modules("workflow")`` is every installed Drachma
app's ``workflow`` module, in the order settings.DRACHMA_APPS lists the apps."""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.conf import settings


@cache
def app_modules(name: str) -> tuple[ModuleType, ...]:
    found = []
    for app in settings.DRACHMA_APPS:
        if find_spec(f"{app}.{name}") is not None:
            found.append(import_module(f"{app}.{name}"))
    return tuple(found)
