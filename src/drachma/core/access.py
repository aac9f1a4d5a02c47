"""Deny by default: every page names the permission it needs and the methods it answers.

``@require("incidents.view_incident")`` sends an anonymous user to the login page and
answers 403 to a user whose roles lack the permission. With ``hide=True`` (pages about one
record) it answers 404 instead, so that a role that may not see a record cannot learn that
it exists. ``methods`` lists the HTTP methods the page answers (others get 405, after the
permission check so that the answer never depends on what the user may not see).

The attributes set on the view (``required_permissions``, ``allowed_methods``, ``hides``)
are what ``manage.py access_matrix`` reads to draft docs/roles.md.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed

M = TypeVar("M", bound=Model)


def require(*perms: str, hide: bool = False, methods: Iterable[str] = ("GET",)) -> Callable:
    methods = tuple(m.upper() for m in methods)
    answered = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perms(perms):
                if hide:
                    raise Http404("No such record.")
                raise PermissionDenied
            if request.method not in answered:
                return HttpResponseNotAllowed(sorted(answered))
            return view(request, *args, **kwargs)

        return _declare(wrapped, permissions=perms, methods=methods, hides=hide)

    return decorator


def public(view: Callable, methods: Iterable[str] = ("GET", "POST")) -> Callable:
    """Mark a view as open to anyone (the login page, the public reporting page)."""
    return _declare(view, permissions=(), methods=tuple(methods), hides=False, public=True)


def _declare(
    view: Callable,
    *,
    permissions: tuple[str, ...],
    methods: tuple[str, ...],
    hides: bool,
    public: bool = False,
) -> Callable:
    """Set the attributes ``manage.py access_matrix`` reads off a view function."""
    declared = {"required_permissions": permissions, "allowed_methods": methods, "hides": hides}
    if public:
        declared["is_public"] = True
    # A function takes any attribute at run time; setattr says so to the type checker.
    for name, value in declared.items():
        setattr(view, name, value)
    return view


def get_or_404(source: type[M] | QuerySet[M], *, what: str = "", **lookup: Any) -> M:
    """The one record ``lookup`` names in ``source``, or 404 saying what was not found.

    A malformed key (text where a number is expected) is a record that does not exist, not
    a server error. Selectors that read a record for a viewer use it before they mask and
    record the view; ``source`` is then already narrowed to what the viewer may see, so a
    record the viewer may not see answers the same 404 as one that does not exist.
    """
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    label = what or str(queryset.model._meta.verbose_name)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404(f"No such {label}.") from None
