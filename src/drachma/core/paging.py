from django.core.paginator import Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset, per_page: int = 50) -> dict:
    """Context for a paginated list: ``page_obj`` and the query string to keep filters."""
    page_obj = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page_obj, "querystring_without_page": params.urlencode()}
