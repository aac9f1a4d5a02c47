"""Accounts: argon2 passwords, roles as groups (deny by default), TOTP enforced for every
role, login throttling by account."""

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts.roles import role_permissions
from drachma.accounts.services import create_user
from drachma.audit.models import AuditEntry
from drachma.core.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def code_for(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


# --- passwords -------------------------------------------------------------------------


def test_argon2_is_the_configured_password_hasher():
    # The test conftest swaps in a fast hasher; the real settings module is what production runs.
    real = importlib.import_module("drachma.settings")
    assert real.PASSWORD_HASHERS[0] == ARGON2


def test_passwords_are_stored_as_argon2_hashes(settings):
    real = importlib.import_module("drachma.settings")
    settings.PASSWORD_HASHERS = real.PASSWORD_HASHERS
    user = create_user(username="hashed", password=PASSWORD, roles=["analyst"])
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert PASSWORD not in user.password and user.check_password(PASSWORD)


def test_short_and_common_passwords_are_refused_by_the_validators():
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Short1!")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")


# --- roles -----------------------------------------------------------------------------


def test_the_eight_roles_are_django_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert Role.values == [
        "analyst",
        "safeguarding_officer",
        "investigator",
        "disclosure_officer",
        "supervisor",
        "auditor",
        "administrator",
        "digital_forensics",
    ]
    for role, perms in role_permissions().items():
        group_perms = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.all()
        }
        assert group_perms == perms, role


def test_deny_by_default(make_user):
    nobody = make_user()  # a user with no role
    assert not nobody.get_all_permissions()
    auditor = make_user("auditor")
    assert auditor.has_perm("audit.view_audit_log") and not auditor.has_perm(
        "incidents.view_incident"
    )
    assert not make_user("supervisor").has_perm("audit.view_audit_log")


def test_an_unknown_role_or_a_taken_username_is_refused(make_user):
    with pytest.raises(ValidationError) as exc:
        create_user(username="x", password=PASSWORD, roles=["superhero"])
    assert "roles" in exc.value.message_dict
    make_user("analyst", username="taken")
    with pytest.raises(ValidationError) as exc:
        create_user(username="taken", password=PASSWORD, roles=["analyst"])
    assert "username" in exc.value.message_dict


# --- login and the second factor -------------------------------------------------------


def login(client, user, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}, **extra
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_must_pass_the_second_factor(client, make_user, role):
    user = make_user(role)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert login(client, user).status_code == 302
    # Password alone reaches no page, and no API.
    assert client.get(reverse("core:dashboard")).url.startswith(reverse("accounts:two_factor"))
    assert client.get("/api/accounts/me").status_code == 403
    client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_roles_that_need_a_second_factor_cover_every_door_to_personal_data(settings):
    """docs/roles.md marks the doors to personal data; a role allowed through any of them is
    in core.roles.PERSONAL_DATA_ROLES (whose grants need a second administrator) and must use a
    second factor."""
    from drachma.core.roles import PERSONAL_DATA_ROLES
    from drachma.site.access_matrix import parse_rows

    doc = (Path(__file__).parents[2] / "docs" / "roles.md").read_text(encoding="utf-8")
    personal = [row for row in parse_rows(doc).values() if row.personal]
    assert personal, "the matrix marks no personal-data rows"
    seeing = {role for row in personal for role, allowed in row.allowed.items() if allowed}
    seeing.discard("anonymous")
    assert seeing and seeing <= set(PERSONAL_DATA_ROLES), seeing - set(PERSONAL_DATA_ROLES)
    real = importlib.import_module("drachma.settings")
    assert set(PERSONAL_DATA_ROLES) | {"auditor", "administrator"} <= set(
        real.DRACHMA_SECOND_FACTOR_REQUIRED_ROLES
    )


def test_passing_the_second_factor_gives_a_new_session_key(client, make_user):
    user = make_user("investigator")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(client, user)
    before = client.session.session_key
    client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    after = client.session.session_key
    assert after and after != before
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_login_page_is_labelled_and_unknown_users_are_refused(client, make_user):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<label for="id_username"' in html and '<label for="id_password"' in html
    response = client.post(
        reverse("accounts:login"), {"username": "nobody", "password": "whatever it is"}
    )
    assert (
        response.status_code == 200
        and "Please enter a correct username and password" in response.content.decode()
    )


def test_an_administrator_is_sent_to_enrol_then_verify(client, make_user):
    admin = make_user("administrator")
    login(client, admin)
    target = reverse("accounts:account")
    response = client.get(target)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:two_factor')}?next={target}"
    # Every page, not just one.
    assert client.get(reverse("core:dashboard")).url.startswith(reverse("accounts:two_factor"))

    page = client.get(response.url)
    html = page.content.decode()
    assert (
        "Your role must use a second factor" in html and "<svg" in html and page.context["secret"]
    )
    device = TOTPDevice.objects.get(user=admin, confirmed=False)

    wrong = client.post(
        reverse("accounts:two_factor"),
        {"token": "000000" if code_for(device) != "000000" else "111111", "next": target},
    )
    assert wrong.context["form"].errors["token"] == ["That code is wrong or has expired."]
    assert client.get(target).status_code == 302  # still not through

    # django-otp pauses verification after a wrong code: even the right code waits.
    paused = client.post(
        reverse("accounts:two_factor"), {"token": code_for(device), "next": target}
    )
    assert paused.context["form"].errors["token"] == [
        "Too many wrong codes: wait a few seconds, then enter the current code."
    ]
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )

    right = client.post(reverse("accounts:two_factor"), {"token": code_for(device), "next": target})
    assert right.status_code == 302 and right.url == target
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(target).status_code == 200
    assert AuditEntry.objects.filter(model="otp_totp.totpdevice", object_id=str(device.pk)).exists()


def test_an_enrolled_administrator_verifies_at_every_login(client, make_user):
    admin = make_user("administrator")
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    login(client, admin)
    page = client.get(reverse("accounts:two_factor"))
    assert "Enter the six-digit code" in page.content.decode() and "secret" not in page.context
    assert client.get(reverse("accounts:account")).status_code == 302
    client.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    assert client.get(reverse("accounts:account")).status_code == 200
    client.post(reverse("accounts:logout"))
    login(client, admin)
    assert client.get(reverse("accounts:account")).status_code == 302  # a new session asks again


def test_an_unverified_administrator_is_refused_by_the_api_too(client, make_user):
    login(client, make_user("administrator"))
    response = client.get("/api/openapi.json")
    assert response.status_code == 403
    assert response.json() == {
        "errors": [{"field": "__all__", "message": "Second factor required."}]
    }


def test_next_after_the_second_factor_stays_on_this_site(client, make_user):
    admin = make_user("administrator")
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    login(client, admin)
    response = client.post(
        reverse("accounts:two_factor"),
        {"token": code_for(device), "next": "https://evil.example.com/"},
    )
    assert response.url == reverse("core:dashboard")


# --- throttling ------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_from_every_address(client, make_user, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    analyst = make_user("analyst")
    for _ in range(4):
        response = login(client, analyst, password="not the password")
        assert response.status_code == 200  # the ordinary "wrong password" page
    locked = login(client, analyst, password="not the password")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # Now even the right password is refused, from this address and from any other...
    again = login(client, analyst)
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    elsewhere = login(client, analyst, REMOTE_ADDR="10.9.8.7")
    assert elsewhere.status_code == 429 and "_auth_user_id" not in client.session
    # ...while other accounts, from the same address, still sign in.
    other = make_user("analyst")
    assert login(client, other).status_code == 302


def test_throttling_is_on_in_the_real_settings():
    real = importlib.import_module("drachma.settings")
    assert real.AXES_ENABLED is True and real.AXES_FAILURE_LIMIT == 5
    assert "username" in real.AXES_LOCKOUT_PARAMETERS  # the account, from any address
    assert "axes.middleware.AxesMiddleware" in real.MIDDLEWARE
    assert real.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
