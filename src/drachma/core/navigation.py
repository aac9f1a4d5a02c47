"""The main menu: each app contributes its entries; a user sees those their roles allow."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str
    order: int = 100


MENU: list[MenuItem] = []


def register(*items: MenuItem) -> None:
    MENU.extend(items)


def menu_for(user) -> list[dict]:
    entries = []
    for item in sorted(MENU, key=lambda i: (i.order, i.label)):
        if not user.has_perm(item.permission):
            continue
        try:
            entries.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return entries
