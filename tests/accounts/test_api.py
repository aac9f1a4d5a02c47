"""The accounts API: the current user, API tokens, and user management by administrators."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from drachma.accounts import services
from drachma.accounts.models import APIToken
from drachma.audit.models import AuditEntry
from tests.conftest import sign_in
from tests.factories import field_of, send

pytestmark = pytest.mark.django_db


def test_me(client_as, make_user):
    user = make_user("analyst", "investigator", username="dual")
    data = client_as(user=user).get("/api/accounts/me").json()
    assert data["username"] == "dual" and data["roles"] == ["analyst", "investigator"]
    assert "incidents.view_incident" in data["permissions"]
    assert "people.view_person_identifiers" in data["permissions"]  # from investigator
    assert data["has_totp"] is True  # every role uses a second factor; sign_in enrolled one


def test_token_issue_use_list_and_revoke(client_as, make_user):
    user = make_user("analyst")
    client = client_as(user=user)
    response = send(client, "POST", "/api/accounts/tokens", {"name": "notebook"})
    assert response.status_code == 201
    key = response.json()["key"]
    assert key.startswith("drt_") and response.json()["usable"] is True
    token = APIToken.objects.get(user=user)
    assert token.key_hash == APIToken.hash_key(key) and key not in token.key_hash
    # Issued from a session that passed the second factor, and it expires.
    assert token.second_factor and token.expires_at is not None

    bearer = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert bearer.get("/api/accounts/me", **auth).json()["username"] == user.username
    assert bearer.get("/api/incidents/incidents", **auth).status_code == 200
    assert (
        bearer.get("/api/people/people", **auth).status_code == 403
    )  # the token acts with the analyst's roles
    listed = client.get("/api/accounts/tokens").json()
    assert [t["name"] for t in listed] == ["notebook"] and "key" not in listed[0]
    assert listed[0]["last_used_at"] is not None

    assert client.delete(f"/api/accounts/tokens/{token.pk}").status_code == 204
    assert bearer.get("/api/accounts/me", **auth).status_code == 401
    assert client.get("/api/accounts/tokens").json()[0]["usable"] is False


def test_cannot_revoke_someone_elses_token(client_as, make_user):
    other_token, key = APIToken.issue(make_user("investigator"), "theirs", second_factor=True)
    client = client_as("analyst")
    assert client.delete(f"/api/accounts/tokens/{other_token.pk}").status_code == 404
    other_token.refresh_from_db()
    assert other_token.revoked_at is None
    assert (
        Client().get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer drt_wrong").status_code == 401
    )


@pytest.mark.parametrize(
    ("payload", "field"), [({"name": " "}, "name"), ({"name": "x" * 101}, "name"), ({}, "name")]
)
def test_bad_token_name(client_as, payload, field):
    response = send(client_as("analyst"), "POST", "/api/accounts/tokens", payload)
    assert response.status_code == 422 and field_of(response) == [field]
    assert not APIToken.objects.exists()


# --- user management --------------------------------------------------------------------


@pytest.fixture
def admin(make_user):
    user = make_user("administrator", username="admin_one")
    return user, sign_in(Client(), user)


def test_administrator_creates_a_user_with_roles(admin, make_user):
    _, client = admin
    sergeant = make_user("supervisor", username="sgt")
    response = send(
        client,
        "POST",
        "/api/accounts/users",
        {
            "username": "new.officer",
            "password": "a long and unusual passphrase",
            "roles": ["safeguarding_officer"],
            "first_name": "New",
            "last_name": "Officer",
            "email": "new.officer@police.example",
            "team": "PPU North",
            "collar_number": "1234",
            "supervisor": "sgt",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    # The role sees people's records: it waits for a second administrator.
    assert (
        data["roles"] == []
        and data["roles_awaiting_approval"] == ["safeguarding_officer"]
        and data["supervisor"] == "sgt"
        and data["is_active"]
    )
    user = get_user_model().objects.get(username="new.officer")
    assert (
        user.check_password("a long and unusual passphrase") and user.account.supervisor == sergeant
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": "short"}, "password"),
        ({"password": "password123456"}, "password"),
        ({"roles": ["superuser"]}, "roles.0"),
        ({"email": "not-an-email"}, "email"),
        ({"username": "admin_one"}, "username"),
        ({"username": "has spaces!"}, "username"),
        ({"supervisor": "nobody"}, "supervisor"),
        ({"team": "x" * 101}, "team"),
    ],
)
def test_bad_user_input_names_the_field_and_saves_nothing(admin, payload, field):
    _, client = admin
    before = get_user_model().objects.count()
    body = {
        "username": "fresh",
        "password": "a long and unusual passphrase",
        "roles": ["analyst"],
        **payload,
    }
    response = send(client, "POST", "/api/accounts/users", body)
    assert response.status_code == 422, response.content
    assert field in field_of(response)
    assert get_user_model().objects.count() == before


def test_list_filter_and_paginate_users(admin, make_user):
    _, client = admin
    make_user("analyst", username="ana1")
    make_user("analyst", username="ana2")
    gone = make_user("auditor", username="aud")
    gone.is_active = False
    gone.save()
    assert {
        u["username"] for u in client.get("/api/accounts/users?role=analyst").json()["items"]
    } == {"ana1", "ana2"}
    assert [
        u["username"] for u in client.get("/api/accounts/users?active=false").json()["items"]
    ] == ["aud"]
    assert client.get("/api/accounts/users?q=ana").json()["count"] == 2
    page = client.get("/api/accounts/users?page_size=2&page=2").json()
    assert page["count"] == 4 and len(page["items"]) == 2
    response = client.get("/api/accounts/users?role=king")
    assert response.status_code == 422 and field_of(response) == ["role"]


def test_set_roles_and_details_is_audited(admin, make_user):
    _, client = admin
    target = make_user("analyst", username="target")
    response = send(
        client,
        "PATCH",
        f"/api/accounts/users/{target.pk}",
        {"roles": ["investigator", "supervisor"], "team": "OCAIT"},
    )
    assert response.status_code == 200
    assert (
        response.json()["roles"] == []
        and response.json()["roles_awaiting_approval"] == ["investigator", "supervisor"]
        and response.json()["team"] == "OCAIT"
    )
    decision = AuditEntry.objects.filter(
        action="decision", model="auth.user", object_id=str(target.pk)
    ).latest("seq")
    assert decision.changes == {"decision": "roles changed", "before": ["analyst"], "after": []}
    assert decision.actor_username == "admin_one"

    # A second administrator approves one of them through the API.
    second = sign_in(Client(), make_user("administrator", username="admin_two"))
    waiting = second.get("/api/accounts/role-requests?status=pending").json()["items"]
    assert sorted(g["role"] for g in waiting) == ["investigator", "supervisor"]
    investigator = next(g for g in waiting if g["role"] == "investigator")
    response = send(second, "POST", f"/api/accounts/role-requests/{investigator['id']}/approve", {})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert response.json()["decided_by"] == "admin_two"
    assert list(target.groups.values_list("name", flat=True)) == ["investigator"]
    granted = AuditEntry.objects.filter(
        action="decision", object_id=str(target.pk), changes__decision="role granted"
    ).get()
    assert granted.changes["requested_by"] == "admin_one"
    assert granted.changes["approved_by"] == "admin_two"
    # Approving twice: the second is told it is done, and nothing changes.
    again = send(second, "POST", f"/api/accounts/role-requests/{investigator['id']}/approve", {})
    assert again.status_code == 422 and field_of(again) == ["status"]
    # A bad change changes nothing, details included.
    response = send(
        client, "PATCH", f"/api/accounts/users/{target.pk}", {"team": "Other", "roles": ["emperor"]}
    )
    assert response.status_code == 422 and field_of(response) == ["roles.0"]
    response = send(
        client,
        "PATCH",
        f"/api/accounts/users/{target.pk}",
        {"team": "Other", "supervisor": "target"},
    )
    assert response.status_code == 422 and field_of(response) == ["supervisor"]
    target.refresh_from_db()
    assert target.account.team == "OCAIT"


def test_deactivate_and_reactivate(admin, make_user):
    _, client = admin
    target = make_user("investigator", username="leaver")
    _, key = APIToken.issue(target, "script", second_factor=True)
    response = send(client, "POST", f"/api/accounts/users/{target.pk}/deactivate", {"reason": " "})
    assert response.status_code == 422 and field_of(response) == ["reason"]
    response = send(
        client, "POST", f"/api/accounts/users/{target.pk}/deactivate", {"reason": "Left the force."}
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert not Client().login(username="leaver", password="correct horse battery staple")
    response = send(
        client, "POST", f"/api/accounts/users/{target.pk}/reactivate", {"reason": "Returned."}
    )
    assert response.json()["is_active"] is True
    assert AuditEntry.objects.filter(
        action="decision", object_id=str(target.pk), changes__decision="deactivated"
    ).exists()


def test_administrator_cannot_lock_themselves_out(admin):
    user, client = admin
    response = send(
        client, "POST", f"/api/accounts/users/{user.pk}/deactivate", {"reason": "Oops."}
    )
    assert response.status_code == 422 and field_of(response) == ["is_active"]
    response = send(client, "PATCH", f"/api/accounts/users/{user.pk}", {"roles": ["analyst"]})
    assert response.status_code == 422 and field_of(response) == ["roles"]
    user.refresh_from_db()
    assert user.is_active and user.groups.filter(name="administrator").exists()


@pytest.mark.parametrize("role", ["analyst", "supervisor", "auditor"])
def test_only_administrators_manage_users(make_user, role):
    target = make_user("analyst")
    client = sign_in(Client(), make_user(role))
    assert client.get("/api/accounts/users").status_code == 403
    assert client.get(f"/api/accounts/users/{target.pk}").status_code == 404
    assert (
        send(
            client, "POST", f"/api/accounts/users/{target.pk}/deactivate", {"reason": "x"}
        ).status_code
        == 404
    )
    target.refresh_from_db()
    assert target.is_active


def test_administrator_session_needs_the_second_factor(make_user):
    client = Client()
    client.force_login(make_user("administrator"))
    response = client.get("/api/accounts/users")
    assert (
        response.status_code == 403
        and response.json()["errors"][0]["message"] == "Second factor required."
    )


def test_unknown_user_is_404(admin):
    assert admin[1].get("/api/accounts/users/999999").status_code == 404


def test_openapi_lists_the_new_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/accounts/me",
        "/api/accounts/tokens",
        "/api/accounts/tokens/{token_id}",
        "/api/accounts/users",
        "/api/accounts/users/{user_id}",
        "/api/accounts/users/{user_id}/deactivate",
        "/api/accounts/users/{user_id}/reactivate",
        "/api/groups/groups",
        "/api/intelligence/entries",
        "/api/people/people",
        "/api/areas/boroughs",
        "/api/areas/districts",
        "/api/audit/entries",
        "/api/audit/verify",
    ):
        assert path in paths, path


def test_no_token_without_the_second_factor(client, make_user):
    # A token never asks for the TOTP code: it is issued only from a session that passed it.
    admin = make_user("administrator")
    client.force_login(admin)  # password only, second factor not passed
    response = send(client, "POST", "/api/accounts/tokens", {"name": "script"})
    assert response.status_code == 403  # the middleware stops the session at the door
    with pytest.raises(ValidationError) as refused:
        services.issue_token(admin, "script", verified=False)
    assert "second factor" in refused.value.message_dict["name"][0]
    assert not APIToken.objects.filter(user=admin).exists()


def test_a_token_cannot_issue_another_token(make_user):
    user = make_user("analyst")
    _, key = services.issue_token(user, "script", verified=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = send(Client(), "POST", "/api/accounts/tokens", {"name": "another"}, **auth)
    assert response.status_code == 422 and field_of(response) == ["name"]
    assert APIToken.objects.filter(user=user).count() == 1


def test_a_token_issued_without_the_second_factor_is_refused(make_user):
    # e.g. issued before the user's role needed one.
    user = make_user("analyst")
    _, key = APIToken.issue(user, "script")
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403 and "second factor" in response.content.decode()


def test_a_token_lasts_at_most_the_configured_days(make_user, settings):
    settings.DRACHMA_TOKEN_DAYS = 30
    token, _ = services.issue_token(make_user("investigator"), "script", verified=True)
    assert token.expires_at is not None
    assert 29 <= (token.expires_at - token.created_at).days <= 30
