from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts import services
from drachma.accounts.forms import ReasonForm, TokenForm, TOTPForm, UserCreateForm, UserDetailsForm
from drachma.accounts.models import Account, APIToken
from drachma.core.access import public, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.roles import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login_view = public(LoginView.as_view())
logout_view = public(auth_views.LogoutView.as_view(), methods=["POST"])


def _safe_next(request, default="core:dashboard"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
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
        form.add_error(
            "token",
            "That code is wrong or has expired."
            if allowed
            else "Too many wrong codes: wait a few seconds, then enter the current code.",
        )
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
        try:
            _, new_key = services.issue_token(request.user, form.cleaned_data["name"])
        except ValidationError as exc:
            # e.g. a role that must use a second factor may hold no token: said on the form.
            apply_validation_error(form, exc)
        else:
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


# --- user management (administrators) ---------------------------------------------------

MANAGE = "accounts.manage_users"


def _managed_user(user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id)


@require(MANAGE)
def user_list(request):
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    users = (
        get_user_model()
        .objects.prefetch_related("groups")
        .select_related("account")
        .order_by("username")
    )
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
        )
    if role in Role.values:
        users = users.filter(groups__name=role)
    return render(
        request,
        "accounts/user_list.html",
        {"q": q, "role": role, "roles": Role.choices, **paginate(request, users)},
    )


@require(MANAGE, methods=["GET", "POST"])
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(check_password=True, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"User {user.username} created.")
            return redirect("accounts:user_edit", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@require(MANAGE, hide=True, methods=["GET", "POST"])
def user_edit(request, user_id: int):
    target = _managed_user(user_id)
    account = Account.objects.filter(user=target).first() or Account(user=target)
    initial = {
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "team": account.team,
        "collar_number": account.collar_number,
        "supervisor": account.supervisor,
        "roles": services.roles_of(target),
    }
    form = UserDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(target, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"User {target.username} updated.")
            return redirect("accounts:user_edit", user_id=target.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "target": target, "reason_form": ReasonForm()},
    )


def _activation(request, user_id: int, service, done: str):
    target = _managed_user(user_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason (at most 500 characters).")
    else:
        try:
            service(target, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"User {target.username} {done}.")
    return redirect("accounts:user_edit", user_id=target.pk)


@require(MANAGE, hide=True, methods=["POST"])
def user_deactivate(request, user_id: int):
    return _activation(request, user_id, services.deactivate_user, "deactivated")


@require(MANAGE, hide=True, methods=["POST"])
def user_reactivate(request, user_id: int):
    return _activation(request, user_id, services.reactivate_user, "reactivated")
