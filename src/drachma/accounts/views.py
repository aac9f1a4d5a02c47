from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts import services
from drachma.accounts.filtersets import UserFilterSet
from drachma.accounts.forms import ReasonForm, TokenForm, TOTPForm, UserCreateForm, UserDetailsForm
from drachma.accounts.models import Account, APIToken, RoleGrant, RoleGrantStatus
from drachma.core.access import public, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.roles import Role
from drachma.core.views import confirm_step


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
            # A new session key once the second factor is passed: a key seen before (on a
            # shared machine, in a log) must not become a verified session.
            request.session.cycle_key()
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
            _, new_key = services.issue_token(
                request.user, form.cleaned_data["name"], verified=request.user.is_verified()
            )
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


@require("accounts.view_own_account", hide=True, methods=["GET", "POST"])
def token_revoke(request, token_id: int):
    token = get_object_or_404(APIToken, pk=token_id, user=request.user)
    if request.method == "POST":
        services.revoke_token(token)
        messages.success(request, f"Token '{token.name}' revoked")
        return redirect("accounts:account")
    return confirm_step(
        request,
        title=f"Revoke the token '{token.name}'?",
        what_will_happen=[
            "Scripts using this token can no longer use the API.",
            "A revoked token cannot be used again: issue a new one if it is needed.",
        ],
        action_url=request.path,
        button="Revoke the token",
        cancel_url=reverse("accounts:account"),
    )


# --- user management (administrators) ---------------------------------------------------

MANAGE = "accounts.manage_users"


def _managed_user(user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id)


@require(MANAGE)
def user_list(request):
    users = get_user_model().objects.prefetch_related("groups").select_related("account")
    filterset = UserFilterSet(request.GET, queryset=users)
    context = paginate(
        request,
        filterset.qs if filterset.is_valid() else users.none(),
        sorts={
            "username": "username",
            "name": ("last_name", "first_name"),
            "team": "account__team",
            "status": "-is_active",
            "last_login": "last_login",
        },
        default_sort="username",
    )
    return render(request, "accounts/user_list.html", {"filterset": filterset, **context})


@require(MANAGE, methods=["GET", "POST"])
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(check_password=True, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"User {user.username} created.{_waiting(user)}")
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
            messages.success(request, f"User {target.username} updated.{_waiting(target)}")
            return redirect("accounts:user_edit", user_id=target.pk)
    pending = RoleGrant.objects.filter(user=target, status=RoleGrantStatus.PENDING)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "target": target, "pending": pending.select_related("requested_by")},
    )


def _waiting(user) -> str:
    roles = [
        Role(g.role).label
        for g in RoleGrant.objects.filter(user=user, status=RoleGrantStatus.PENDING)
    ]
    if not roles:
        return ""
    return f" {', '.join(roles)}: waiting for a second administrator to approve."


@require(MANAGE)
def grant_list(request):
    grants = RoleGrant.objects.select_related("user", "requested_by", "decided_by")
    status = request.GET.get("status", RoleGrantStatus.PENDING)
    if status not in RoleGrantStatus.values and status != "all":
        status = RoleGrantStatus.PENDING
    if status != "all":
        grants = grants.filter(status=status)
    context = paginate(
        request,
        grants,
        sorts={"requested": "requested_at", "user": "user__username", "role": "role"},
        default_sort="-requested",
    )
    return render(
        request,
        "accounts/grant_list.html",
        {**context, "status": status, "statuses": RoleGrantStatus.choices},
    )


def _grant(grant_id: int) -> RoleGrant:
    return get_object_or_404(RoleGrant.objects.select_related("user", "requested_by"), pk=grant_id)


@require(MANAGE, hide=True, methods=["GET", "POST"])
def grant_approve(request, grant_id: int):
    grant = _grant(grant_id)
    label = Role(grant.role).label
    if request.method == "POST":
        try:
            services.approve_grant(grant, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{label} given to {grant.user.username}.")
        return redirect("accounts:grant_list")
    return confirm_step(
        request,
        title=f"Give {grant.user.username} the role {label}?",
        what_will_happen=[
            f"{grant.user.get_full_name() or grant.user.username} can use everything the "
            f"{label.lower()} role allows, including people's records.",
            f"{grant.requested_by.username} asked for it; you are the second administrator.",
            "The auditors are told who asked, who approved and for whom.",
        ],
        action_url=request.path,
        button=f"Approve: give {label}",
        cancel_url=reverse("accounts:grant_list"),
        destructive=False,
    )


@require(MANAGE, hide=True, methods=["GET", "POST"])
def grant_refuse(request, grant_id: int):
    grant = _grant(grant_id)
    label = Role(grant.role).label
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refuse_grant(grant, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{label} for {grant.user.username} refused.")
        return redirect("accounts:grant_list")
    return confirm_step(
        request,
        title=f"Refuse the role {label} for {grant.user.username}?",
        what_will_happen=[
            f"{grant.user.username} does not get the role.",
            f"{grant.requested_by.username}, who asked, is told your reason.",
        ],
        action_url=request.path,
        button="Refuse the role",
        cancel_url=reverse("accounts:grant_list"),
        form=form,
    )


def _activation(request, user_id: int, *, deactivating: bool):
    """The confirmation page (GET, or a refused reason) and the change (POST)."""
    target = _managed_user(user_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.deactivate_user if deactivating else services.reactivate_user
        try:
            service(target, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            done = "deactivated" if deactivating else "reactivated"
            messages.success(request, f"User {target.username} {done}")
        return redirect("accounts:user_edit", user_id=target.pk)
    if deactivating:
        return confirm_step(
            request,
            title=f"Deactivate {target.username}?",
            what_will_happen=[
                f"{target.get_full_name() or target.username} can no longer sign in.",
                "Their API tokens are revoked and cannot be used again.",
                "The records they made stay, with their name.",
                "An administrator can reactivate the account later.",
            ],
            action_url=request.path,
            button="Deactivate the user",
            cancel_url=reverse("accounts:user_edit", args=[target.pk]),
            form=form,
        )
    return confirm_step(
        request,
        title=f"Reactivate {target.username}?",
        what_will_happen=[
            f"{target.get_full_name() or target.username} can sign in again with their roles.",
            "Their old API tokens stay revoked: they issue new ones if needed.",
        ],
        action_url=request.path,
        button="Reactivate the user",
        cancel_url=reverse("accounts:user_edit", args=[target.pk]),
        form=form,
        destructive=False,
    )


@require(MANAGE, hide=True, methods=["GET", "POST"])
def user_deactivate(request, user_id: int):
    return _activation(request, user_id, deactivating=True)


@require(MANAGE, hide=True, methods=["GET", "POST"])
def user_reactivate(request, user_id: int):
    return _activation(request, user_id, deactivating=False)
