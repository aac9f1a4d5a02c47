"""The administrators' user pages: list, create, edit roles, deactivate."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from drachma.accounts.models import APIToken
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    user = make_user("administrator", username="page_admin")
    return user, sign_in(Client(), user)


def test_list_with_filters(admin, make_user):
    _, client = admin
    make_user("analyst", username="list_analyst")
    make_user("auditor", username="list_auditor")
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "list_analyst" in page and "list_auditor" in page
    page = client.get(reverse("accounts:user_list"), {"role": "auditor"}).content.decode()
    assert "list_auditor" in page and "list_analyst" not in page
    page = client.get(reverse("accounts:user_list"), {"q": "analyst"}).content.decode()
    assert "list_analyst" in page and "list_auditor" not in page


def test_create_user_through_the_form(admin):
    _, client = admin
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "form.user",
            "password": "a long and unusual passphrase",
            "roles": ["analyst", "investigator"],
            "first_name": "Form",
            "last_name": "User",
            "email": "form.user@police.example",
            "team": "FIB",
        },
    )
    user = get_user_model().objects.get(username="form.user")
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:user_edit", args=[user.pk]
    )
    assert sorted(user.groups.values_list("name", flat=True)) == ["analyst", "investigator"]
    assert user.account.team == "FIB" and user.check_password("a long and unusual passphrase")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "short"}, "password", "too short"),
        ({"email": "nope"}, "email", "valid email"),
        ({"roles": ["emperor"]}, "roles", "not one of the available choices"),
        ({"username": ""}, "username", "required"),
    ],
)
def test_bad_create_shows_the_message_beside_the_field_and_saves_nothing(
    admin, data, field, message
):
    _, client = admin
    before = get_user_model().objects.count()
    body = {
        "username": "bad.user",
        "password": "a long and unusual passphrase",
        "roles": ["analyst"],
        **data,
    }
    response = client.post(reverse("accounts:user_create"), body)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert get_user_model().objects.count() == before


def test_edit_roles_and_details(admin, make_user):
    _, client = admin
    target = make_user("analyst", username="edit_me")
    page = client.get(reverse("accounts:user_edit", args=[target.pk])).content.decode()
    checked = re.findall(r'<input type="checkbox" name="roles" value="(\w+)"[^>]*\bchecked', page)
    assert checked == ["analyst"]
    response = client.post(
        reverse("accounts:user_edit", args=[target.pk]),
        {
            "roles": ["disclosure_officer"],
            "first_name": "Edited",
            "last_name": "",
            "email": "",
            "team": "CJU",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert list(target.groups.values_list("name", flat=True)) == ["disclosure_officer"]
    assert target.first_name == "Edited" and target.account.team == "CJU"


def test_deactivate_needs_a_reason_then_works_and_revokes_tokens(admin, make_user):
    _, client = admin
    target = make_user("investigator", username="deact")
    APIToken.issue(target, "script")
    url = reverse("accounts:user_deactivate", args=[target.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    target.refresh_from_db()
    assert target.is_active
    response = client.post(url, {"reason": "Left the force."}, follow=True)
    assert "deactivated" in response.content.decode()
    target.refresh_from_db()
    assert not target.is_active and not APIToken.objects.get(user=target).is_usable
    client.post(reverse("accounts:user_reactivate", args=[target.pk]), {"reason": "Back."})
    target.refresh_from_db()
    assert target.is_active


def test_administrator_cannot_deactivate_themselves_from_the_page(admin):
    user, client = admin
    response = client.post(
        reverse("accounts:user_deactivate", args=[user.pk]), {"reason": "Test."}, follow=True
    )
    assert "ask another administrator" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("role", ["analyst", "supervisor", "auditor"])
def test_other_roles_get_403_and_404(make_user, role):
    target = make_user("analyst")
    client = sign_in(Client(), make_user(role))
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:user_edit", args=[target.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:user_deactivate", args=[target.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    target.refresh_from_db()
    assert target.is_active


def test_users_menu_entry_only_for_administrators(admin, make_user):
    _, client = admin
    assert reverse("accounts:user_list") in client.get(reverse("core:dashboard")).content.decode()
    other = sign_in(Client(), make_user("supervisor"))
    assert (
        reverse("accounts:user_list") not in other.get(reverse("core:dashboard")).content.decode()
    )


def test_the_user_list_sorts_counts_and_filters_with_any(admin, make_user):
    _, client = admin
    make_user("analyst", username="aaa_first")
    make_user("analyst", username="zzz_last")
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "3 users" in page
    assert page.index("aaa_first") < page.index("page_admin") < page.index("zzz_last")
    page = client.get(reverse("accounts:user_list"), {"sort": "-username"}).content.decode()
    assert page.index("zzz_last") < page.index("page_admin") < page.index("aaa_first")
    assert 'aria-sort="descending"' in page
    page = client.get(reverse("accounts:user_list"), {"role": "analyst"}).content.decode()
    assert "2 users" in page and ">Any</option>" in page and "---------" not in page


def test_deactivation_is_confirmed_on_a_page_saying_what_will_happen(admin, make_user):
    _, client = admin
    target = make_user("investigator", username="to_go")
    url = reverse("accounts:user_deactivate", args=[target.pk])
    edit = client.get(reverse("accounts:user_edit", args=[target.pk])).content.decode()
    assert f'href="{url}"' in edit  # a link to the confirmation, not a one-click form
    page = client.get(url).content.decode()
    assert "Deactivate to_go?" in page and "can no longer sign in" in page
    assert "API tokens are revoked" in page and "govuk-button--warning" in page
    target.refresh_from_db()
    assert target.is_active  # asking changes nothing
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Give a reason." in refused.content.decode()
    target.refresh_from_db()
    assert target.is_active
    done = client.post(url, {"reason": "Left the force."}, follow=True)
    assert "User to_go deactivated" in done.content.decode()
    target.refresh_from_db()
    assert not target.is_active


def test_revoking_a_token_asks_first(make_user):
    user = make_user("analyst", username="token_holder")
    client = sign_in(Client(), user)
    token, _ = APIToken.issue(user, "notebook")
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert f'href="{url}"' in client.get(reverse("accounts:account")).content.decode()
    page = client.get(url).content.decode()
    assert "Revoke the token &#x27;notebook&#x27;?" in page
    token.refresh_from_db()
    assert token.is_usable
    page = client.post(url, follow=True).content.decode()
    assert "Token &#x27;notebook&#x27; revoked" in page
    token.refresh_from_db()
    assert not token.is_usable
