from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """The main menu (filtered by the user's roles) and the unread-notification count.

    The entry for the page shown is ``current``; the entry whose section holds it (its URL the
    longest start of the page's path) is ``active``.
    """
    from drachma.core.navigation import menu_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = menu_for(user)
    path = request.path
    sections = [i for i in items if i["url"] != "/" and path.startswith(i["url"])]
    section = max(sections, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["current"] = item["url"] == path
        item["active"] = item is section
    return {
        "nav_items": items,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }


def classification(request: HttpRequest) -> dict:
    """The marking every page and printed page carries (``settings.DRACHMA_CLASSIFICATION``)."""
    return {"classification": settings.DRACHMA_CLASSIFICATION}
