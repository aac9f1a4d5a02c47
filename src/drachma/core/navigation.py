"""The main menu: each app lists its entries in ``menu.py`` (``ITEMS``); a user sees those
their roles allow."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from drachma.core.registry import app_hooks


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str
    order: int = 100


def menu_items() -> list[MenuItem]:
    items = [item for app_items in app_hooks("menu", "ITEMS") for item in app_items]
    return sorted(items, key=lambda i: (i.order, i.label))


def menu_for(user) -> list[dict]:
    entries = []
    for item in menu_items():
        if not user.has_perm(item.permission):
            continue
        try:
            entries.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return entries
