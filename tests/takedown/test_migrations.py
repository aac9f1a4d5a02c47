"""The publication log moved from the evidence app: its rows, links and permissions stay."""

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from drachma.takedown.models import PublicationRecord
from tests.migrating import BEFORE_THE_MOVES, migrate_to, migrate_to_latest


@pytest.mark.django_db(transaction=True)
def test_publication_records_and_their_permissions_survive_the_move():
    old = migrate_to(BEFORE_THE_MOVES)
    incident = old.get_model("incidents", "Incident").objects.create(
        reference="DR-2026-000001",
        occurred_at=timezone.now(),
        received_at=timezone.now(),
        source="group",
        kind="doorstep",
        summary="s",
        place="Preston",
        review_date="2030-01-01",
    )
    footage = old.get_model("takedown", "ContentItem").objects.create(
        reference="FT-2026-000001",
        url="https://video.example/kept",
        platform="youtube",
        first_seen_at=timezone.now(),
        # A flush after an earlier transactional test may have taken the default bank.
        bank=old.get_model("takedown", "MatchBank").objects.get_or_create(name="Footage")[0],
        review_date="2030-01-01",
    )
    record = old.get_model("evidence", "PublicationRecord").objects.create(
        incident=incident,
        url="https://video.example/kept",
        platform="youtube",
        content_item=footage,
        takedown_reference=footage.reference,
    )
    OldType = old.get_model("contenttypes", "ContentType")
    OldPermission = old.get_model("auth", "Permission")
    change = OldPermission.objects.get(
        content_type=OldType.objects.get(app_label="evidence", model="publicationrecord"),
        codename="change_publicationrecord",
    )
    role = old.get_model("auth", "Group").objects.create(name="kept_role")
    role.permissions.add(change)

    migrate_to_latest()

    moved = PublicationRecord.objects.get(pk=record.pk)
    assert (moved.incident.reference, moved.url) == ("DR-2026-000001", "https://video.example/kept")
    assert moved.content_item.reference == "FT-2026-000001"
    assert moved.takedown_status == "FT-2026-000001: no takedown requested"
    content_type = ContentType.objects.get_for_model(PublicationRecord)
    assert content_type.app_label == "takedown"
    permission = Permission.objects.get(pk=change.pk)
    assert (permission.content_type, permission.codename) == (
        content_type,
        "change_publicationrecord",
    )
    assert list(Role.objects.get(name="kept_role").permissions.all()) == [permission]
