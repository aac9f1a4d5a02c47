"""The group register moved from the intelligence app: its rows, links and permissions stay."""

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from drachma.groups.models import Group, GroupAlias, PlatformAccount
from drachma.intelligence.models import IntelligenceEntry
from tests.migrating import BEFORE_THE_MOVES, migrate_to, migrate_to_latest


@pytest.mark.django_db(transaction=True)
def test_groups_their_links_and_permissions_survive_the_move():
    old = migrate_to(BEFORE_THE_MOVES)
    OldGroup = old.get_model("intelligence", "Group")
    group = OldGroup.objects.create(name="Kept Group", status="dormant", review_date="2030-01-01")
    old.get_model("intelligence", "GroupAlias").objects.create(group=group, name="KG")
    account = old.get_model("intelligence", "PlatformAccount").objects.create(
        group=group, platform="x", handle="@kept"
    )
    entry = old.get_model("intelligence", "IntelligenceEntry").objects.create(
        reference="INT-2026-000001",
        group=group,
        learned_at="2026-01-01T12:00Z",
        source_type="officer",
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code="P",
        text="Seen.",
        review_date="2030-01-01",
    )
    OldType = old.get_model("contenttypes", "ContentType")
    OldPermission = old.get_model("auth", "Permission")
    view = OldPermission.objects.get(
        content_type=OldType.objects.get(app_label="intelligence", model="group"),
        codename="view_group",
    )
    role = old.get_model("auth", "Group").objects.create(name="kept_role")
    role.permissions.add(view)

    migrate_to_latest()

    moved = Group.objects.get(pk=group.pk)
    assert (moved.name, moved.status) == ("Kept Group", "dormant")
    assert list(GroupAlias.objects.filter(group=moved).values_list("name", flat=True)) == ["KG"]
    assert PlatformAccount.objects.get(pk=account.pk).group == moved
    assert IntelligenceEntry.objects.get(pk=entry.pk).group == moved
    # The content type was renamed, not replaced: the permission keeps its id and its holders.
    content_type = ContentType.objects.get_for_model(Group)
    assert content_type.app_label == "groups"
    assert not ContentType.objects.filter(app_label="intelligence", model="group").exists()
    permission = Permission.objects.get(pk=view.pk)
    assert (permission.content_type, permission.codename) == (content_type, "view_group")
    assert list(Role.objects.get(name="kept_role").permissions.all()) == [permission]
