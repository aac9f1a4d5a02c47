"""Accounts: second factor, API tokens, and users' roles."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts.models import Account, APIToken
from drachma.accounts.roles import Role


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
    return APIToken.issue(user, name)


def revoke_token(token: APIToken) -> None:
    from django.utils import timezone

    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


@transaction.atomic
def create_user(*, username: str, password: str, roles: list[str], first_name: str = "",
                last_name: str = "", email: str = "", supervisor=None, team: str = "",
                collar_number: str = ""):
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": f"Unknown roles: {', '.join(sorted(unknown))}."})
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "That username is taken."})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    Account.objects.create(user=user, supervisor=supervisor, team=team, collar_number=collar_number)
    return user


def roles_of(user) -> list[str]:
    return list(user.groups.values_list("name", flat=True))
