"""Roles that see people's records are given only when a second administrator approves; nobody
changes their own roles; two administrators deciding at once do not both win."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from drachma.accounts import services
from drachma.accounts.models import RoleGrant
from drachma.audit.models import AuditEntry
from drachma.core.models import Notification
from drachma.core.roles import APPROVED_ROLES, Role
from tests.safeguarding.test_races import race

pytestmark = pytest.mark.django_db


def roles(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@pytest.fixture
def admins(make_user):
    return make_user("administrator", username="asker"), make_user(
        "administrator", username="approver"
    )


@pytest.mark.parametrize("role", sorted(APPROVED_ROLES))
def test_a_role_that_sees_personal_data_waits_for_a_second_administrator(make_user, admins, role):
    asker, approver = admins
    user = make_user()
    [grant] = services.set_roles(user, [role], by=asker)
    assert roles(user) == [] and grant.status == "pending" and grant.requested_by == asker
    # The other administrator is asked to decide; the one who asked is not.
    assert Notification.objects.filter(recipient=approver, link__contains="role-requests").exists()
    assert not Notification.objects.filter(recipient=asker).exists()
    services.approve_grant(grant, by=approver)
    assert roles(user) == [role]


def test_the_auditor_role_is_given_at_once_and_roles_taken_away_go_at_once(make_user, admins):
    asker, _ = admins
    user = make_user("investigator")
    assert services.set_roles(user, ["auditor"], by=asker) == []
    assert roles(user) == ["auditor"]


def test_the_system_itself_gives_roles_at_once(make_user):
    # The demo and the operator's commands act with by=None.
    user = make_user()
    assert services.set_roles(user, ["supervisor"]) == []
    assert roles(user) == ["supervisor"]


def test_nobody_changes_their_own_roles(admins):
    asker, _ = admins
    with pytest.raises(ValidationError) as refused:
        services.set_roles(asker, ["administrator", "investigator"], by=asker)
    assert "your own roles" in refused.value.message_dict["roles"][0]
    with pytest.raises(ValidationError):
        services.set_roles(asker, [], by=asker)
    assert roles(asker) == ["administrator"] and not RoleGrant.objects.exists()


@pytest.mark.parametrize("who", ["asker", "user", "not_an_administrator"])
def test_only_a_second_administrator_decides(make_user, admins, who):
    asker, _ = admins
    user = make_user("administrator", username="the_user")
    [grant] = services.set_roles(user, ["administrator", "supervisor"], by=asker)
    deciders = {"asker": asker, "user": user, "not_an_administrator": make_user("supervisor")}
    with pytest.raises(ValidationError) as refused:
        services.approve_grant(grant, by=deciders[who])
    assert "decided_by" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.refuse_grant(grant, by=deciders[who], reason="No.")
    grant.refresh_from_db()
    assert grant.status == "pending" and roles(user) == ["administrator"]


def test_a_role_no_longer_asked_for_is_withdrawn(make_user, admins):
    asker, approver = admins
    user = make_user()
    [grant] = services.set_roles(user, ["investigator"], by=asker)
    services.set_roles(user, [], by=asker)
    grant.refresh_from_db()
    assert grant.status == "withdrawn"
    with pytest.raises(ValidationError) as refused:
        services.approve_grant(grant, by=approver)
    assert refused.value.message_dict["status"] == ["This request is already withdrawn."]
    assert roles(user) == []


def test_asking_again_does_not_make_a_second_request(make_user, admins):
    asker, _ = admins
    user = make_user()
    first = services.set_roles(user, ["investigator"], by=asker)
    second = services.set_roles(user, ["investigator"], by=asker)
    assert first == second and RoleGrant.objects.filter(user=user).count() == 1


def test_an_approval_is_audited_and_told_to_the_auditors(make_user, admins):
    asker, approver = admins
    auditors = [make_user("auditor"), make_user("auditor")]
    user = make_user(username="newcomer")
    [grant] = services.set_roles(user, ["disclosure_officer"], by=asker)
    services.approve_grant(grant, by=approver)
    entry = AuditEntry.objects.get(changes__decision="role granted", object_id=str(user.pk))
    assert entry.changes["role"] == "disclosure_officer"
    assert (entry.changes["requested_by"], entry.changes["approved_by"]) == ("asker", "approver")
    for auditor in auditors:
        note = Notification.objects.get(recipient=auditor)
        assert note.subject == f"Role {Role.DISCLOSURE_OFFICER.label} given to newcomer"


def test_a_refusal_needs_a_reason(make_user, admins):
    asker, approver = admins
    [grant] = services.set_roles(make_user(), ["analyst"], by=asker)
    with pytest.raises(ValidationError) as refused:
        services.refuse_grant(grant, by=approver, reason="  ")
    assert "reason" in refused.value.message_dict
    grant.refresh_from_db()
    assert grant.status == "pending"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_administrators_deciding_at_once_do_not_both_win(make_user, admins):
    asker, approver = admins
    third = make_user("administrator", username="third")
    for n in range(6):
        user = make_user(username=f"racer_{n}")
        [grant] = services.set_roles(user, ["investigator"], by=asker)
        approved, refused = race(
            lambda g=grant: services.approve_grant(RoleGrant.objects.get(pk=g.pk), by=approver),
            lambda g=grant: services.refuse_grant(
                RoleGrant.objects.get(pk=g.pk), by=third, reason="No."
            ),
        )
        outcomes = [approved, refused]
        assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
        grant.refresh_from_db()
        assert (grant.status == "approved") == (roles(user) == ["investigator"])
        assert grant.decided_by == (approver if grant.status == "approved" else third)
