"""One registry of the apps' modules: every contributed module found the same way, in the
apps' order (settings.DRACHMA_APPS, lowest layer first)."""

from importlib.util import find_spec

from django.conf import settings
from django.test import override_settings

from drachma.core import registry
from drachma.core.navigation import menu_items
from drachma.core.panels import render_panels


def _apps_with(name: str) -> list[str]:
    return [app for app in settings.DRACHMA_APPS if find_spec(f"{app}.{name}") is not None]


def test_app_modules_are_every_apps_module_in_settings_order():
    for name in ("roles", "api", "urls", "menu", "demo", "panels", "tasks", "bundle"):
        found = [m.__name__ for m in registry.app_modules(name)]
        assert found == [f"{app}.{name}" for app in _apps_with(name)], name
    # Apps without the module are left out, not an error.
    assert "drachma.site.roles" not in [m.__name__ for m in registry.app_modules("roles")]
    assert registry.app_modules("no_such_module") == ()


def test_the_modules_are_imported_once_and_remembered():
    assert registry.app_modules("roles") is registry.app_modules("roles")


def test_app_hooks_collect_only_the_modules_that_define_the_name():
    bundle_sections = registry.app_hooks("bundle", "BUNDLE_SECTIONS")
    # evidence/bundle.py offers the plug-in point and defines none; takedown's fills it.
    assert [len(sections) for sections in bundle_sections] == [1]
    panels = registry.app_hooks("panels", "safeguarding_queue_panel")
    assert [p.__module__ for p in panels] == ["drachma.intake.panels"]
    assert render_panels("a_hook_no_app_defines") == []


def test_the_menu_is_every_apps_items():
    labels = {item.label: item.url_name for item in menu_items()}
    assert labels["Groups"] == "groups:group_list"
    assert labels["Intelligence"] == "intelligence:entry_list"
    assert labels["Users"] == "accounts:user_list"
    orders = [item.order for item in menu_items()]
    assert orders == sorted(orders)


def test_a_change_of_installed_apps_forgets_the_modules():
    before = registry.app_modules("roles")
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS]):
        assert registry.app_modules("roles") is not before
