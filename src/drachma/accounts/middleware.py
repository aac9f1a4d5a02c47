from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse


def second_factor_required(user) -> bool:
    required = set(getattr(settings, "DRACHMA_SECOND_FACTOR_REQUIRED_ROLES", []))
    return bool(required) and user.groups.filter(name__in=required).exists()


class RequireSecondFactorMiddleware:
    """Users in roles that must use a second factor (administrators) get nowhere else until
    they have passed TOTP in this session."""

    ALLOWED_URL_NAMES = ("accounts:two_factor", "accounts:logout", "accounts:login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL)
            and request.path not in {reverse(n) for n in self.ALLOWED_URL_NAMES}
            and second_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"errors": [{"field": "__all__", "message": "Second factor required."}]}, status=403
                )
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
