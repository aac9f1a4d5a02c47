"""Accounts: second factor, API tokens, and users' roles."""

import base64
import datetime
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts.middleware import second_factor_required
from drachma.accounts.models import Account, APIToken, RoleGrant, RoleGrantStatus
from drachma.core.roles import APPROVED_ROLES, Role
from drachma.core.services import notify


def pending_totp_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first use, to enrol with an app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def issue_token(user, name: str, *, verified: bool = False) -> tuple[APIToken, str]:
    """A token for the user's scripts. A token is a password that never asks for the second
    factor, so a user who must use one gets a token only from a session that passed it
    (``verified``), never from another token, and the token lasts at most
    ``DRACHMA_TOKEN_DAYS``."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token (what will use it)."})
    if len(name) > 100:
        raise ValidationError({"name": "At most 100 characters."})
    expires_at = None
    if second_factor_required(user):
        if not verified:
            raise ValidationError(
                {
                    "name": "Your role must use a second factor: issue tokens from a signed-in "
                    "session that has passed it, not with another token."
                }
            )
        expires_at = timezone.now() + datetime.timedelta(days=settings.DRACHMA_TOKEN_DAYS)
    return APIToken.issue(user, name, expires_at=expires_at, second_factor=verified)


def revoke_token(token: APIToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def _check_roles(roles: list[str]) -> None:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": f"Unknown roles: {', '.join(sorted(unknown))}."})


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    supervisor=None,
    team: str = "",
    collar_number: str = "",
    check_password: bool = False,
    by=None,
):
    """Create a user with roles. ``check_password`` applies the password validators (an
    administrator creating a user); fixtures and the demo set their own."""
    _check_roles(roles)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken."})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if check_password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    account = Account(user=user, supervisor=supervisor, team=team, collar_number=collar_number)
    account.full_clean()
    account.save()
    set_roles(user, roles, by=by)
    return user


def _guard_own_administration(user, by, *, losing: str) -> None:
    """An administrator may not lock themselves out: someone else must do it."""
    if by is not None and by.pk == user.pk:
        raise ValidationError(
            {losing: "You cannot do this to your own account; ask another administrator."}
        )


@transaction.atomic
def update_user(user, *, by=None, roles: list[str] | None = None, **fields):
    """Change a user's name, email and account details, and (given ``roles``) set exactly
    the user's roles; all or nothing. Username and password are not changed here."""
    allowed_user = {"first_name", "last_name", "email"}
    allowed_account = {"team", "collar_number", "supervisor"}
    unknown = set(fields) - allowed_user - allowed_account
    if unknown:
        raise ValidationError({f: "This field cannot be set." for f in sorted(unknown)})
    for name in allowed_user & set(fields):
        setattr(user, name, fields[name] or "")
    user.full_clean()
    account, _ = Account.objects.get_or_create(user=user)
    for name in allowed_account & set(fields):
        value = fields[name]
        setattr(account, name, value if name == "supervisor" else (value or ""))
    if account.supervisor_id is not None and account.supervisor_id == user.pk:
        raise ValidationError({"supervisor": "A user cannot be their own supervisor."})
    account.full_clean()
    user.save()
    account.save()
    if roles is not None:
        set_roles(user, roles, by=by)
    return user


@transaction.atomic
def set_roles(user, roles: list[str], *, by=None) -> list[RoleGrant]:
    """Give the user exactly these roles. Roles taken away go at once; a role that sees
    personal data (or the administrator's), given by an administrator (``by``), waits for a
    second administrator's approval: the grants asked for are returned. ``by=None`` is the
    system itself (the demo, a command run by the operator) and gives at once."""
    _check_roles(roles)
    current, wanted = set(roles_of(user)), set(roles)
    if by is not None and by.pk == user.pk and wanted != current:
        raise ValidationError(
            {"roles": "You cannot change your own roles; ask another administrator."}
        )
    held_back = {r for r in wanted - current if by is not None and r in APPROVED_ROLES}
    given = sorted(wanted - held_back)
    before = sorted(current)
    user.groups.set(Group.objects.filter(name__in=given))
    after = sorted(roles_of(user))
    if before != after:
        # Group membership is a many-to-many the model signals do not see; the audit log
        # must still show who changed whose roles.
        from drachma.audit.services import record_decision

        record_decision(user, "roles changed", before=before, after=after)
    # A role no longer asked for is no longer waiting for approval.
    for grant in RoleGrant.objects.select_for_update().filter(
        user=user, status=RoleGrantStatus.PENDING
    ):
        if grant.role not in wanted:
            _decide(grant, RoleGrantStatus.WITHDRAWN, by=by)
    return [_request_grant(user, role, by=by) for role in sorted(held_back)]


def _request_grant(user, role: str, *, by) -> RoleGrant:
    grant = RoleGrant.objects.filter(user=user, role=role, status=RoleGrantStatus.PENDING).first()
    if grant is not None:
        return grant
    grant = RoleGrant.objects.create(user=user, role=role, requested_by=by)
    label = Role(role).label
    for admin in _active_with_role(Role.ADMINISTRATOR).exclude(pk__in=[by.pk, user.pk]):
        notify(
            admin,
            f"Approve the role {label} for {user.get_username()}?",
            f"{by.get_username()} asked for it. A second administrator must approve it "
            "before it is given.",
            link=_grants_url(),
        )
    return grant


def _active_with_role(role: str):
    return get_user_model().objects.filter(groups__name=role, is_active=True).distinct()


def _grants_url() -> str:
    from django.urls import reverse

    return reverse("accounts:grant_list")


def _locked_pending(grant: RoleGrant) -> RoleGrant:
    """The grant read under a row lock: two administrators deciding at once must not both
    win, and the one who comes second is told what happened."""
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.status != RoleGrantStatus.PENDING:
        raise ValidationError(
            {"status": f"This request is already {grant.get_status_display().lower()}."}
        )
    return grant


def _decide(grant: RoleGrant, status: str, *, by, reason: str = "") -> RoleGrant:
    grant.status = status
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.reason = reason
    grant.full_clean()
    grant.save()
    return grant


def _check_second_administrator(grant: RoleGrant, by) -> None:
    if not by.groups.filter(name=Role.ADMINISTRATOR).exists():
        raise ValidationError({"decided_by": "Only an administrator can decide a role request."})
    if by.pk == grant.requested_by_id:
        raise ValidationError(
            {"decided_by": "A second administrator must decide: you asked for this role."}
        )
    if by.pk == grant.user_id:
        raise ValidationError(
            {"decided_by": "You cannot decide a role for yourself; ask another administrator."}
        )


@transaction.atomic
def approve_grant(grant: RoleGrant, *, by) -> RoleGrant:
    """Give the role asked for; the auditors are told who asked, who approved and for whom."""
    grant = _locked_pending(grant)
    _check_second_administrator(grant, by)
    _decide(grant, RoleGrantStatus.APPROVED, by=by)
    user = grant.user
    before = sorted(roles_of(user))
    user.groups.add(Group.objects.get(name=grant.role))
    from drachma.audit.services import record_decision

    record_decision(
        user,
        "role granted",
        role=grant.role,
        requested_by=grant.requested_by.get_username(),
        approved_by=by.get_username(),
        before=before,
        after=sorted(roles_of(user)),
    )
    label = Role(grant.role).label
    for auditor in _active_with_role(Role.AUDITOR):
        notify(
            auditor,
            f"Role {label} given to {user.get_username()}",
            f"Asked for by {grant.requested_by.get_username()}, approved by {by.get_username()}.",
            link=_grants_url(),
        )
    return grant


@transaction.atomic
def refuse_grant(grant: RoleGrant, *, by, reason: str) -> RoleGrant:
    grant = _locked_pending(grant)
    _check_second_administrator(grant, by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the role is refused."})
    _decide(grant, RoleGrantStatus.REFUSED, by=by, reason=reason.strip())
    notify(
        grant.requested_by,
        f"Role {Role(grant.role).label} for {grant.user.get_username()} refused",
        reason.strip(),
        link=_grants_url(),
    )
    return grant


@transaction.atomic
def deactivate_user(user, *, by=None, reason: str = ""):
    """Stop a user signing in; their tokens stop working with them. Records stay."""
    _guard_own_administration(user, by, losing="is_active")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the account is deactivated."})
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        APIToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        from drachma.audit.services import record_decision

        record_decision(user, "deactivated", reason=reason.strip())
    return user


@transaction.atomic
def reactivate_user(user, *, by=None, reason: str = ""):
    if not reason.strip():
        raise ValidationError({"reason": "Say why the account is reactivated."})
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        from drachma.audit.services import record_decision

        record_decision(user, "reactivated", reason=reason.strip())
    return user


def roles_of(user) -> list[str]:
    return list(user.groups.values_list("name", flat=True))
