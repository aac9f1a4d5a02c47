"""The administrators' user pages: list, create, edit roles, deactivate."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from drachma.accounts.models import APIToken, RoleGrant
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
    # Both roles see people's records: they wait for a second administrator.
    assert list(user.groups.values_list("name", flat=True)) == []
    waiting = RoleGrant.objects.filter(user=user, status="pending")
    assert sorted(waiting.values_list("role", flat=True)) == ["analyst", "investigator"]
    assert user.account.team == "FIB" and user.check_password("a long and unusual passphrase")
    page = client.get(response["Location"]).content.decode()
    assert "waiting for a second administrator to approve" in page
    assert "Waiting for a second administrator to approve:" in page and "Investigator" in page


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
    # The analyst's role goes at once; the disclosure officer's waits for a second administrator.
    assert list(target.groups.values_list("name", flat=True)) == []
    grant = RoleGrant.objects.get(user=target)
    assert grant.role == "disclosure_officer" and grant.status == "pending"
    assert target.first_name == "Edited" and target.account.team == "CJU"

    # The administrator who asked cannot approve it: the page offers no button and the step
    # refuses.
    listing = client.get(reverse("accounts:grant_list")).content.decode()
    assert "edit_me" in listing and "Another administrator decides" in listing
    client.post(reverse("accounts:grant_approve", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.status == "pending"


def test_deactivate_needs_a_reason_then_works_and_revokes_tokens(admin, make_user):
    _, client = admin
    target = make_user("investigator", username="deact")
    APIToken.issue(target, "script", second_factor=True)
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
    token, _ = APIToken.issue(user, "notebook", second_factor=True)
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


def test_a_second_administrator_approves_through_the_pages_and_the_auditors_are_told(
    admin, make_user
):
    from drachma.accounts.services import set_roles
    from drachma.core.models import Notification

    asker, _ = admin
    auditor = make_user("auditor", username="the_auditor")
    target = make_user(username="new_starter")
    [grant] = set_roles(target, ["investigator"], by=asker)
    second = make_user("administrator", username="second_admin")
    client = sign_in(Client(), second)

    confirm = client.get(reverse("accounts:grant_approve", args=[grant.pk]))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Give new_starter the role Investigator?" in html and "page_admin asked for it" in html
    grant.refresh_from_db()
    assert grant.status == "pending"  # nothing changes on a GET

    response = client.post(reverse("accounts:grant_approve", args=[grant.pk]), follow=True)
    assert "Investigator given to new_starter" in response.content.decode()
    assert list(target.groups.values_list("name", flat=True)) == ["investigator"]
    told = Notification.objects.get(recipient=auditor)
    assert told.subject == "Role Investigator given to new_starter"
    assert "page_admin" in told.body and "second_admin" in told.body


def test_refusing_needs_a_reason_and_tells_who_asked(admin, make_user):
    from drachma.accounts.services import set_roles
    from drachma.core.models import Notification

    asker, _ = admin
    target = make_user(username="not_yet")
    [grant] = set_roles(target, ["supervisor"], by=asker)
    client = sign_in(Client(), make_user("administrator"))
    url = reverse("accounts:grant_refuse", args=[grant.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    grant.refresh_from_db()
    assert grant.status == "pending"
    client.post(url, {"reason": "Not a supervisor yet."})
    grant.refresh_from_db()
    assert grant.status == "refused" and grant.reason == "Not a supervisor yet."
    assert not target.groups.exists()
    assert Notification.objects.filter(recipient=asker, body="Not a supervisor yet.").exists()
