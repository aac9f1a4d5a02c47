from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts import services
from drachma.accounts.forms import TokenForm, TOTPForm
from drachma.accounts.models import APIToken
from drachma.core.access import public, require


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login_view = public(LoginView.as_view())
logout_view = public(auth_views.LogoutView.as_view(), methods=["POST"])


def _safe_next(request, default="core:dashboard"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require("accounts.view_own_account", methods=["GET", "POST"])
def two_factor(request):
    """Verify a TOTP code; a user without a confirmed device enrols one first."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed or services.pending_totp_device(request.user)
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        # django-otp pauses verification after each wrong code (doubling each time).
        allowed, _ = device.verify_is_allowed()
        ok = device.verify_token(token) if confirmed else services.confirm_totp(device, token)
        if ok:
            otp_login(request, device)
            messages.success(request, "Second factor verified.")
            return redirect(_safe_next(request))
        form.add_error("token", "That code is wrong or has expired." if allowed else
                       "Too many wrong codes: wait a few seconds, then enter the current code.")
    context = {"form": form, "enrolling": confirmed is None, "next": _safe_next(request, "")}
    if confirmed is None:
        context["qr_svg"] = services.totp_qr_svg(device)
        context["secret"] = services.totp_secret_base32(device)
    return render(request, "accounts/two_factor.html", context)


@require("accounts.view_own_account", methods=["GET", "POST"])
def account(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = services.issue_token(request.user, form.cleaned_data["name"])
        messages.success(request, "Token issued. Copy it now: it is not shown again.")
        form = TokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": APIToken.objects.filter(user=request.user).order_by("-created_at"),
        "roles": services.roles_of(request.user),
        "has_totp": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
    }
    return render(request, "accounts/account.html", context)


@require("accounts.view_own_account", hide=True, methods=["POST"])
def token_revoke(request, token_id: int):
    token = get_object_or_404(APIToken, pk=token_id, user=request.user)
    services.revoke_token(token)
    messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("accounts:account")
