from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """The main menu (filtered by the user's roles) and the unread-notification count."""
    from drachma.core.navigation import menu_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": menu_for(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
