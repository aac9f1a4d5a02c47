"""Sample records whose keys fill cases URLs in the role-matrix test."""

import datetime

from django.utils import timezone

from drachma.cases import services
from drachma.cases.models import Exposure, ProsecutorNotice
from drachma.incidents.services import add_person
from drachma.people.services import create_person


def build(world) -> dict:
    incident = getattr(world, "incident", None)
    if incident is None:
        from tests.incidents.samples import build as build_incident

        build_incident(world)
        incident = world.incident
    investigator = world.users["investigator"]
    case = services.create_case(
        user=investigator,
        urn="06MX1234526",
        officer_in_case=investigator,
        disclosure_officer=world.users["disclosure_officer"],
        prosecutor_name="Sample Prosecutor",
        prosecutor_contact="sample@cps.gov.uk",
        incidents=[incident],
    )
    person = create_person(given_names="Sample", family_name="Defendant")
    add_person(incident, person=person, role="group_member")
    defendant = services.add_defendant(
        case, user=investigator, person=person, arrested_at=timezone.now()
    )
    exposure = Exposure.objects.create(
        case=case,
        defendant=defendant,
        kind="publication",
        link="incident",
        found_at=timezone.now(),
        during_active_proceedings=True,
    )
    notice = ProsecutorNotice.objects.create(
        case=case,
        exposure=exposure,
        owner=investigator,
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    return {"urn": case.urn, "defendant_id": defendant.pk, "notice_id": notice.pk}
