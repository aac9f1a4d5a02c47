"""Incidents: what a group did or caused, where, to whom, and what the police did."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.choices import Platform
from drachma.core.models import AuditedModel, ReviewableRecord, WorkflowEvent
from drachma.core.querysets import AuditedQuerySet, alters_data
from drachma.core.validators import text_length_errors, validate_http_url, validate_not_future


class IncidentSource(models.TextChoices):
    GROUP = "group", "Group self-report"
    PUBLIC = "public", "Member of the public"
    PLATFORM = "platform", "Platform"
    OFFICER = "officer", "Officer"
    PARTNER = "partner", "Partner agency"


class IncidentKind(models.TextChoices):
    ONLINE_STING = "online_sting", "Online sting"
    LIVE_STREAMED = "live_streamed", "Live-streamed confrontation"
    DOORSTEP = "doorstep", "Doorstep confrontation"
    PUBLICATION = "publication", "Publication of footage"
    FAMILY_HARASSMENT = "family_harassment", "Harassment of family"
    # Reported before it happens (a confrontation announced online): its time may be ahead.
    PLANNED = "planned", "Planned confrontation"
    OTHER = "other", "Other"


class IncidentStatus(models.TextChoices):
    """Where the police are with an incident; it changes only through ``workflow.INCIDENT``."""

    NEW = "new", "New"
    ASSESSING = "assessing", "Being assessed"
    INVESTIGATING = "investigating", "Under investigation"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    ARREST = "arrest", "Arrest"
    VOLUNTARY_INTERVIEW = "voluntary_interview", "Voluntary interview"
    NFA = "nfa", "No further action"
    REFERRED = "referred", "Referred"


class PersonRole(models.TextChoices):
    SUBJECT = "subject", "Subject (person confronted)"
    FAMILY = "family", "Family member"
    GROUP_MEMBER = "group_member", "Group member"
    WITNESS = "witness", "Witness"
    CHILD_AT_RISK = "child_at_risk", "Child at risk"
    # Whom the group said it was confronting: when that is not the person confronted, the
    # group has the wrong person (mistaken identity, ``incidents.targeting``).
    NAMED_TARGET = "named_target", "Person the group named as its target"


# The facts of an incident that figures are derived from (statistics' monthly counts, with
# the groups): a change to any of them goes through incidents' services, which tell the apps
# that keep such figures (``incidents.figures``).
COUNTED_FIELDS = (
    "occurred_at",
    "borough",
    "ward",
    "source",
    "kind",
    "outcome",
    "status",
    "created_by",
)


class IncidentQuerySet(AuditedQuerySet):
    """Bulk writes that would change what the figures count, unseen by them, are refused."""

    def _refuse_counted(self, names: Iterable[str]) -> None:
        names = list(names)
        self._refuse_state(names)  # the workflow's own refusal says more about the status
        counted = sorted({self.model._meta.get_field(n).name for n in names} & set(COUNTED_FIELDS))
        if counted:
            raise PermissionDenied(
                f"An incident's {', '.join(counted)} "
                f"{'is' if len(counted) == 1 else 'are'} counted in the statistics: change "
                "them one incident at a time through incidents.services, not by a bulk write."
            )

    @alters_data
    def update(self, **kwargs: Any) -> int:
        self._refuse_counted(kwargs)
        return super().update(**kwargs)

    @alters_data
    def bulk_update(
        self, objs: Iterable[Incident], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        fields = list(fields)  # read twice: by the refusal and by the write
        self._refuse_counted(fields)
        return super().bulk_update(objs, fields, batch_size=batch_size)

    @alters_data
    def delete(self):
        raise PermissionDenied(
            "Incidents are counted in the statistics: delete each through "
            "incidents.services.delete_incident, not by a bulk delete."
        )

    delete.queryset_only = True  # type: ignore[attr-defined]  # Django's own mark, as on QuerySet.delete


class IncidentManager(models.Manager.from_queryset(IncidentQuerySet)):  # type: ignore[misc]
    """Incidents' manager: audited bulk writes, and none that the figures would not see."""


class Incident(ReviewableRecord):
    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = (
        "summary",
        "place",
        "latitude",
        "longitude",
        "stream_url",
        "outcome",
        "urgent_review_reason",
    )

    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField("received", validators=[validate_not_future])
    # Not in the future, except for a planned confrontation (checked in clean, by kind).
    occurred_at = models.DateTimeField("occurred")
    source = models.CharField(max_length=10, choices=IncidentSource.choices)
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    status = models.CharField(
        max_length=15, choices=IncidentStatus.choices, default=IncidentStatus.NEW
    )
    summary = models.TextField(max_length=5000)

    borough = models.ForeignKey(
        "areas.Borough", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    ward = models.ForeignKey(
        "areas.Ward", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    place = models.CharField(
        "place",
        max_length=200,
        blank=True,
        help_text="Where it happened: a street or venue, or a town outside Greater Manchester.",
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    groups = models.ManyToManyField("groups.Group", blank=True, related_name="incidents")
    live_streamed = models.BooleanField(default=False)
    stream_platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    stream_url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    police_attended = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Raised by ``incidents.targeting`` when the group targeted someone already flagged
    # vulnerable, or the wrong person: why, and when it was first raised.
    urgent_review_reason = models.TextField(blank=True, max_length=4000, editable=False)
    urgent_review_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[IncidentManager] = IncidentManager()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["borough", "occurred_at"]),
            models.Index(fields=["status"]),
        ]
        permissions = [("reopen_incident", "Can reopen a closed incident")]

    def __str__(self) -> str:
        return self.reference or "new incident"

    @property
    def in_greater_manchester(self) -> bool:
        return self.borough_id is not None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors = dict(exc.message_dict)  # reported with the rest, each beside its field
        if self.occurred_at and self.kind != IncidentKind.PLANNED:
            try:
                validate_not_future(self.occurred_at)
            except ValidationError as exc:
                errors["occurred_at"] = exc.messages
            else:
                if self.received_at and self.occurred_at > self.received_at:
                    errors["occurred_at"] = "An incident cannot occur after it was reported."
        ward = self.ward if self.ward_id else None
        if ward is not None and self.borough_id and ward.borough_id != self.borough_id:
            errors["ward"] = "This ward is not in the chosen borough."
        if not (self.ward_id or self.borough_id or self.place.strip()):
            errors["place"] = "Give a borough or ward, or the place outside Greater Manchester."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        if self.live_streamed and not self.stream_platform:
            errors["stream_platform"] = "Say which platform the confrontation was streamed on."
        if not self.live_streamed and (self.stream_platform or self.stream_url):
            errors["live_streamed"] = (
                "A stream platform or URL is given but it is not marked live-streamed."
            )
        if self.kind == IncidentKind.LIVE_STREAMED and not self.live_streamed:
            errors["live_streamed"] = "A live-streamed confrontation must be marked live-streamed."
        if errors:
            raise ValidationError(errors)


class IncidentEvent(WorkflowEvent):
    """Each change of an incident's status (``workflow.INCIDENT``), with who and why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class IncidentPerson(AuditedModel):
    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("person", "role", "notes")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(max_length=15, choices=PersonRole.choices)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["role", "person__family_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="unique_person_role_per_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.get_role_display()} in {self.incident}"


class LinkedCase(AuditedModel):
    """The case against a suspect linked to the case against a group member from the same
    confrontation: the order of the two prosecutions matters, so the charging lawyer sees both."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("suspect", "group_member", "note")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="linked_cases")
    suspect = models.ForeignKey(IncidentPerson, on_delete=models.CASCADE, related_name="+")
    group_member = models.ForeignKey(IncidentPerson, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["suspect", "group_member"], name="unique_linked_case")
        ]

    def __str__(self) -> str:
        return f"{self.suspect.person} ↔ {self.group_member.person}"

    def clean(self):
        super().clean()
        errors = text_length_errors(self)
        if self.suspect_id and (
            self.suspect.incident_id != self.incident_id or self.suspect.role != PersonRole.SUBJECT
        ):
            errors["suspect"] = "The suspect must be a subject of this incident."
        if self.group_member_id and (
            self.group_member.incident_id != self.incident_id
            or self.group_member.role != PersonRole.GROUP_MEMBER
        ):
            errors["group_member"] = "The other party must be a group member in this incident."
        if errors:
            raise ValidationError(errors)
