"""Accounts: second factor, API tokens, and users' roles."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts.middleware import second_factor_required
from drachma.accounts.models import Account, APIToken
from drachma.core.roles import Role


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


def issue_token(user, name: str) -> tuple[APIToken, str]:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token (what will use it)."})
    if len(name) > 100:
        raise ValidationError({"name": "At most 100 characters."})
    if second_factor_required(user):
        # A token is a password that never asks for the second factor.
        raise ValidationError(
            {"name": "Your role must use a second factor; it cannot have API tokens."}
        )
    return APIToken.issue(user, name)


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
    user.groups.set(Group.objects.filter(name__in=roles))
    account = Account(user=user, supervisor=supervisor, team=team, collar_number=collar_number)
    account.full_clean()
    account.save()
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
def set_roles(user, roles: list[str], *, by=None):
    """Give the user exactly these roles."""
    _check_roles(roles)
    if Role.ADMINISTRATOR not in roles and user.groups.filter(name=Role.ADMINISTRATOR).exists():
        _guard_own_administration(user, by, losing="roles")
    before = sorted(roles_of(user))
    user.groups.set(Group.objects.filter(name__in=roles))
    after = sorted(roles_of(user))
    if before != after:
        # Group membership is a many-to-many the model signals do not see; the audit log
        # must still show who changed whose roles.
        from drachma.audit.services import record_decision

        record_decision(user, "roles changed", before=before, after=after)
    return user


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
