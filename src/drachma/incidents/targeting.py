"""Targeting of vulnerable people: national guidance asks forces to stop groups targeting
people who are vulnerable. When the person a group confronted is already flagged with a
learning disability or mental ill health, or is under 18 on the day, or is not the person the
group named as its target (mistaken identity), the incident is raised for urgent review and
the supervisors are told, once for each new reason.

It runs when a person is added to an incident (``services.add_person``) and when a person's
flags or date of birth change (people's ``post_save``, received in ``apps.py``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from drachma.audit.services import record_decision
from drachma.core.services import notify
from drachma.incidents.models import Incident, PersonRole


def reasons(incident: Incident) -> list[str]:
    """Why the incident needs urgent review, in words (none: it does not)."""
    found = []
    involvements = list(incident.involvements.select_related("person"))
    subjects = [i.person for i in involvements if i.role == PersonRole.SUBJECT]
    named = [i.person for i in involvements if i.role == PersonRole.NAMED_TARGET]
    day = timezone.localtime(incident.occurred_at).date()
    for person in subjects:
        if person.flag_learning_disability:
            found.append(
                f"{person}, the person confronted, is recorded with a learning disability."
            )
        if person.flag_mental_ill_health:
            found.append(f"{person}, the person confronted, is recorded with mental ill health.")
        age = person.age_on(day)
        if age is not None and age < 18:
            found.append(f"{person}, the person confronted, was {age} (under 18) on the day.")
    subject_ids = {p.pk for p in subjects}
    for person in named:
        if subjects and person.pk not in subject_ids:
            confronted = ", ".join(str(p) for p in subjects)
            found.append(
                f"Mistaken identity: the group named {person} as its target but confronted "
                f"{confronted}."
            )
    return found


def _supervisors():
    return get_user_model().objects.filter(is_active=True, groups__name="supervisor").distinct()


@transaction.atomic
def review(incident: Incident, *, user=None) -> list[str]:
    """Raise the incident for urgent review for each reason not raised before, and tell the
    supervisors; the new reasons (none when nothing changed)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    already = set(filter(None, incident.urgent_review_reason.splitlines()))
    new = [r for r in reasons(incident) if r not in already]
    if not new:
        return []
    incident.urgent_review_reason = "\n".join([*sorted(already), *new])[:4000]
    incident.urgent_review_at = incident.urgent_review_at or timezone.now()
    incident.save(update_fields=["urgent_review_reason", "urgent_review_at", "updated_at"])
    record_decision(incident, "raised for urgent review", reasons=new)
    link = reverse("incidents:detail", args=[incident.reference])
    for supervisor in _supervisors():
        # The e-mail leaves the force's systems: it says where to look, never who or why.
        notify(
            supervisor,
            f"URGENT review: incident {incident.reference}",
            "A group targeted someone already flagged vulnerable, or the wrong person. Review "
            "the incident now.",
            link=link,
        )
    return new
