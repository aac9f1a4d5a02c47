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
    from drachma.cases import disclosure
    from drachma.cases.models import Mg6eCandidate, Schedule

    material = disclosure.add_material(case, user=investigator, description="Sample notebook")
    schedule = Schedule.objects.filter(case=case, kind="MG6C").first()
    request = disclosure.add_request(
        case,
        user=investigator,
        holder_kind="agency",
        holder_name="Sample agency",
        what="records",
        reasons="Sample line of enquiry",
        asked_on=timezone.localdate(),
    )
    from drachma.evidence.models import EvidenceItem

    item = EvidenceItem.objects.filter(incident=incident).first()
    candidate_id = 0
    if item is not None:  # the evidence samples' chat export, on the same incident
        candidate = Mg6eCandidate.objects.create(
            case=case, item=item, kind="first_sender", finding="Sample finding"
        )
        candidate_id = candidate.pk
    return {
        "urn": case.urn,
        "defendant_id": defendant.pk,
        "notice_id": notice.pk,
        "material_id": material.pk,
        "schedule_id": schedule.pk if schedule else 0,
        "request_id": request.pk,
        "candidate_id": candidate_id,
    }
