from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """Links shown in the page header, filtered to what the user's roles may open."""
    from drachma.core.navigation import menu_for

    return {"nav_items": menu_for(request.user) if request.user.is_authenticated else []}
