"""Every write to incidents. Each function validates fully and saves all or nothing.

An incident's status changes only through its workflow (``change_status``, declared in
``workflow.INCIDENT``). Every service that changes what the statistics count (the
``COUNTED_FIELDS``, the groups, the incident's existence) tells the apps that keep those
figures, in its own transaction (``figures.changed``).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from drachma.areas.geography import ward_code_at
from drachma.areas.models import Ward
from drachma.core.models import ReferenceCounter
from drachma.incidents import figures, targeting
from drachma.incidents.models import Incident, IncidentPerson, LinkedCase
from drachma.incidents.workflow import INCIDENT

REFERENCE_PREFIX = "DR"
EDITABLE_FIELDS = {
    "received_at",
    "occurred_at",
    "source",
    "kind",
    "summary",
    "borough",
    "ward",
    "place",
    "latitude",
    "longitude",
    "live_streamed",
    "stream_platform",
    "stream_url",
    "police_attended",
    "outcome",
    "mopi_group",
    "review_date",
}


def as_aware(value: datetime.datetime | None, field: str) -> datetime.datetime | None:
    """A naive time is Europe/London wall-clock time; one that the clocks skip is refused, and
    so is one no record can have (before 1900, or so late that UK time would be past year 9999:
    converting it would overflow)."""
    if value is None:
        return value
    if not 1900 <= value.year <= 9998:
        raise ValidationError({field: "Give a time between the years 1900 and 9998."})
    if timezone.is_aware(value):
        return value
    zone = timezone.get_current_timezone()
    # zoneinfo never raises: it silently picks an offset for a time the clocks skip (spring)
    # or pass twice (autumn). Such a time is refused, as Django's form fields do.
    if zone.utcoffset(value.replace(fold=1 - value.fold)) != zone.utcoffset(value):
        raise ValidationError(
            {
                field: f"{value:%Y-%m-%d %H:%M} does not exist or is ambiguous in UK time "
                "(the clocks change); give the time with its UTC offset."
            }
        )
    return timezone.make_aware(value, zone)


def _resolve_location(incident: Incident) -> None:
    """The ward decides the borough; coordinates decide the ward when none was chosen."""
    if (
        incident.ward_id is None
        and incident.latitude is not None
        and incident.longitude is not None
    ):
        code = ward_code_at(float(incident.latitude), float(incident.longitude))
        if code:
            incident.ward = Ward.objects.select_related("borough").get(code=code)
    ward = incident.ward if incident.ward_id is not None else None
    if ward is not None:
        if incident.borough_id is not None and incident.borough_id != ward.borough_id:
            raise ValidationError({"ward": "This ward is not in the chosen borough."})
        incident.borough_id = ward.borough_id


def _clean_texts(fields: dict) -> dict:
    """Trim text as the forms do (so a summary of spaces is empty, hence refused), and refuse
    NUL characters: PostgreSQL cannot store them, and the forms refuse them too."""
    errors = {
        name: "Null characters are not allowed."
        for name, value in fields.items()
        if isinstance(value, str) and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }


def _apply(incident: Incident, fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({f: "This field cannot be set." for f in sorted(unknown)})
    fields = _clean_texts(fields)
    for name in ("received_at", "occurred_at"):
        if name in fields:
            fields[name] = as_aware(fields[name], name)
    for name, value in fields.items():
        setattr(incident, name, "" if value is None and name in _TEXT_FIELDS else value)


_TEXT_FIELDS = {"place", "stream_platform", "stream_url", "outcome", "summary"}


def _locked(incident: Incident) -> Incident:
    """Lock the incident's row for the rest of the transaction, so the facts read before a
    change are the ones the change replaces (a concurrent change waits)."""
    return Incident.objects.select_for_update().only("pk").get(pk=incident.pk)


@transaction.atomic
def create_incident(*, user, groups: Iterable = (), **fields) -> Incident:
    """Record an incident; it begins as new (its status then moves by ``change_status``)."""
    incident = Incident(created_by=user)
    _apply(incident, fields)
    if incident.received_at is None:
        incident.received_at = timezone.now()
    _resolve_location(incident)
    incident.full_clean(exclude=["reference"])
    incident.reference = ReferenceCounter.next_reference(
        REFERENCE_PREFIX, timezone.localtime(incident.received_at).year
    )
    incident.save()
    if groups:
        incident.groups.set(groups)
    INCIDENT.start(incident, user=user, transition="record")
    figures.changed(None, figures.facts(incident.pk))
    return incident


@transaction.atomic
def update_incident(
    incident: Incident, *, user, groups: Iterable | None = None, **fields
) -> Incident:
    """Change an incident's details and, when ``groups`` is given, its groups (not its status:
    that is ``change_status``)."""
    _locked(incident)
    # The status is the workflow's: a copy read before a change of status must not write
    # the old one back.
    incident.refresh_from_db(fields=["status"])
    before = figures.facts(incident.pk)
    if "ward" in fields and "borough" not in fields:
        incident.borough = None  # re-derived from the new ward
    _apply(incident, fields)
    _resolve_location(incident)
    incident.full_clean()
    incident.save()
    if groups is not None:
        incident.groups.set(groups)
    figures.changed(before, figures.facts(incident.pk))
    return incident


def change_status(
    incident: Incident,
    transition: str,
    *,
    user,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Incident:
    """Take one step of the incident's workflow (``workflow.INCIDENT``: assess, investigate,
    close, reopen); refused steps raise ValidationError and change nothing."""
    with transaction.atomic():
        _locked(incident)
        before = figures.facts(incident.pk)
        INCIDENT.apply(incident, transition, user=user, note=note, at=at)
        figures.changed(before, figures.facts(incident.pk))
    return incident


@transaction.atomic
def delete_incident(incident: Incident, *, user=None) -> None:
    """Delete an incident (a retention decision to dispose of it) and its history."""
    _locked(incident)
    before = figures.facts(incident.pk)
    incident.delete()
    figures.changed(before, None)


@transaction.atomic
def unlink_group(group, *, user=None) -> int:
    """Take ``group`` off every incident it is recorded on (before the group itself is
    disposed of); returns how many incidents named it."""
    ids = list(
        Incident.groups.through.objects.filter(group_id=group.pk)
        .order_by("incident_id")
        .values_list("incident_id", flat=True)
    )
    # Locked in one order, so two such calls cannot deadlock.
    list(Incident.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    before = figures.facts_of(ids)
    group.incidents.clear()
    after = figures.facts_of(ids)
    for pk in ids:
        figures.changed(before.get(pk), after.get(pk))
    return len(ids)


@transaction.atomic
def add_person(
    incident: Incident, *, person, role: str, notes: str = "", user=None
) -> IncidentPerson:
    notes = _clean_texts({"notes": notes})["notes"]
    involvement = IncidentPerson(incident=incident, person=person, role=role, notes=notes)
    # The unique constraint alone reports a nameless error; say which field is at fault.
    if IncidentPerson.objects.filter(incident=incident, person=person, role=role).exists():
        raise ValidationError({"role": f"{person} already has this role in this incident."})
    involvement.full_clean()
    involvement.save()
    targeting.review(incident, user=user)
    return involvement


@transaction.atomic
def remove_person(involvement: IncidentPerson, *, user=None) -> None:
    involvement.delete()


@transaction.atomic
def link_cases(
    incident: Incident,
    *,
    suspect: IncidentPerson,
    group_member: IncidentPerson,
    note: str = "",
    user=None,
) -> LinkedCase:
    note = _clean_texts({"note": note})["note"]
    link = LinkedCase(incident=incident, suspect=suspect, group_member=group_member, note=note)
    link.full_clean(validate_constraints=False)
    if LinkedCase.objects.filter(suspect=suspect, group_member=group_member).exists():
        raise ValidationError({"group_member": "These two cases are already linked."})
    link.save()
    return link
