"""One registry of the apps' modules.

Several parts of Drachma are made of what each app contributes: the menu (``menu.py``), the
dashboard and incident panels (``panels.py``), the periodic tasks (``tasks.py``), the demo
data (``demo.py``), the roles' grants (``roles.py``), the API (``api.py``), the URLs
(``urls.py``) and the prosecutor's bundle (``bundle.py``). They all find the contributions
here, in one way: ``app_modules("roles")`` is the imported ``drachma.<app>.roles`` module of
every installed Drachma app that has one, in the order of ``settings.DRACHMA_APPS``, which is
the apps' dependency order (lowest first).

A lower app offers a plug-in point by naming a module and what it reads from it;
higher apps contribute by defining it. The lower app never imports the higher one, so the
layers (``[tool.importlinter]`` in pyproject.toml) hold.
"""

from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import module_has_submodule


def drachma_apps() -> list[AppConfig]:
    """The installed Drachma apps, in settings order."""
    return [c for c in apps.get_app_configs() if c.name.startswith("drachma.")]


@cache
def app_modules(name: str) -> tuple[ModuleType, ...]:
    """Every installed Drachma app's ``name`` module (``drachma.<app>.<name>``), imported, in
    settings order; apps without one are left out."""
    return tuple(
        import_module(f"{config.name}.{name}")
        for config in drachma_apps()
        if module_has_submodule(config.module, name)
    )


def app_hooks(name: str, attribute: str) -> list:
    """``attribute`` of each app's ``name`` module that defines it, in settings order:
    ``app_hooks("panels", "incident_panel")`` is every app's incident panel function."""
    return [
        getattr(module, attribute) for module in app_modules(name) if hasattr(module, attribute)
    ]


def app_of(module: ModuleType) -> AppConfig:
    """The app a contributed module belongs to (for its label, e.g. to mount its URLs)."""
    config = apps.get_containing_app_config(module.__name__)
    if config is None:
        raise LookupError(f"{module.__name__} belongs to no installed app")
    return config


@receiver(setting_changed)
def _forget_modules(*, setting: str, **kwargs) -> None:
    # A test that changes the installed apps must not see the modules of the old set.
    if setting == "INSTALLED_APPS":
        app_modules.cache_clear()
