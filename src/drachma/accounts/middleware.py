from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice


def second_factor_required(user) -> bool:
    """Administrators must use a second factor; for others it is optional, but once a user has
    enrolled an authenticator it is asked for (otherwise enrolling would protect nothing)."""
    required = set(getattr(settings, "DRACHMA_SECOND_FACTOR_REQUIRED_ROLES", []))
    if required and user.groups.filter(name__in=required).exists():
        return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class RequireSecondFactorMiddleware:
    """Users who must use a second factor (administrators, and anyone who enrolled one) get
    nowhere else until they have passed TOTP in this session."""

    ALLOWED_URL_NAMES = ("accounts:two_factor", "accounts:logout", "accounts:login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(
                settings.STATIC_URL
                if settings.STATIC_URL.startswith("/")
                else "/" + settings.STATIC_URL
            )
            and request.path not in {reverse(n) for n in self.ALLOWED_URL_NAMES}
            and second_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"errors": [{"field": "__all__", "message": "Second factor required."}]},
                    status=403,
                )
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
