"""Demo cases, one in every state: awaiting charge, charged with hearings ahead, convicted,
acquitted, and one that collapsed (with its reason); incidents that ended without a charge
with their Home Office outcome; and (``monitor``) a re-upload of footage found while
proceedings were active. Every name is invented."""

from __future__ import annotations

import datetime

from django.utils import timezone

from drachma.cases import services
from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.incidents.models import PersonRole

COURTS = (
    "Manchester and Salford Magistrates' Court",
    "Manchester Crown Court (Minshull Street)",
    "Bolton Crown Court",
)
OFFENCE = (
    "Attempted to meet a child following sexual grooming",
    "Sexual Offences Act 2003, s.15(1)",
    "022/07",
)
ATTEMPT = (
    "Attempted to cause or incite a child to engage in sexual activity",
    "Sexual Offences Act 2003, s.10(1)",
    "022/06",
)


def _subject(incident):
    inv = incident.involvements.filter(role=PersonRole.SUBJECT).select_related("person").first()
    return inv.person if inv else None


def seed(ctx: DemoContext) -> None:
    now = timezone.now()
    today = timezone.localdate()
    oic = ctx.user(Role.INVESTIGATOR)
    disclosure = ctx.user(Role.DISCLOSURE_OFFICER)
    old = [
        i
        for i in ctx.incidents
        if i.occurred_at < now - datetime.timedelta(days=400) and _subject(i) is not None
    ]
    if len(old) < 8:
        return

    def days(n: int) -> datetime.datetime:
        return now - datetime.timedelta(days=n)

    def date(n: int) -> datetime.date:
        return today - datetime.timedelta(days=n)

    def case(n: int, incident, **fields):
        return services.create_case(
            user=oic,
            urn=f"06MC{40100 + n:05d}{(today.year - 1) % 100:02d}",
            officer_in_case=oic,
            disclosure_officer=disclosure,
            prosecutor_name=["Priya Shah", "Tom Adeyemi", "Helen Walsh"][n % 3],
            prosecutor_contact=f"cps.north-west.{n}@cps.example",
            incidents=[incident],
            summary=fields.pop("summary", ""),
        )

    def defendant(c, incident, arrested: int, **fields):
        return services.add_defendant(
            c, user=oic, person=_subject(incident), arrested_at=days(arrested), **fields
        )

    def charge(d, on: int, offence=OFFENCE):
        wording, legislation, code = offence
        return services.add_charge(
            d,
            user=oic,
            wording=wording,
            legislation=legislation,
            ho_offence_code=code,
            charged_on=date(on),
        )

    def hearing(c, d, at: datetime.datetime, kind: str, court: int = 0):
        local = timezone.localtime(at).replace(hour=10, minute=0, second=0, microsecond=0)
        return services.add_hearing(
            c, user=oic, defendant=d, court=COURTS[court], at=local, kind=kind
        )

    # 1. Awaiting charge: arrested, interviewed, on pre-charge bail with conditions.
    c1 = case(1, old[0], summary="Awaiting the CPS charging decision.")
    defendant(
        c1,
        old[0],
        25,
        interviewed_at=days(25) + datetime.timedelta(hours=5),
        custody_status="pre_charge_bail",
        custody_since=days(24),
        bail_conditions="Not to contact any person under 16; not to use social media.",
    )

    # 2. Charged with hearings ahead (the monitor's demo finds a re-upload on this case).
    c2 = case(2, old[1], summary="Charged; trial listed.")
    d2 = defendant(
        c2,
        old[1],
        70,
        custody_status="court_bail",
        custody_since=days(45),
        bail_conditions="Residence at home address; curfew 21:00 to 06:00; no internet "
        "device without disclosure to police.",
    )
    charge(d2, 69)
    hearing(c2, d2, days(45), "first_appearance")
    hearing(c2, d2, days(-21), "ptph", court=1)
    hearing(c2, d2, days(-90), "trial", court=1)
    ctx.extra["active_case"] = c2
    _reupload_during_proceedings(ctx, c2, old[1], days)
    _disclosure(c2, disclosure, date)

    # 3. Convicted: guilty plea at the PTPH, sentenced.
    c3 = case(3, old[2])
    d3 = defendant(c3, old[2], 300)
    first = charge(d3, 299)
    hearing(c3, d3, days(280), "first_appearance")
    hearing(c3, d3, days(230), "ptph", court=2)
    services.record_result(c3, user=oic, charge=first, result="guilty_plea", decided_on=date(230))
    hearing(c3, d3, days(190), "sentence", court=2)
    services.record_sentence(
        d3,
        user=oic,
        sentenced_on=date(190),
        sentence="2 years' imprisonment suspended for 2 years; Sexual Harm Prevention Order "
        "for 10 years; notification requirements.",
    )

    # 4. Acquitted after trial.
    c4 = case(4, old[3])
    d4 = defendant(c4, old[3], 330)
    acquitted = charge(d4, 329)
    hearing(c4, d4, days(310), "first_appearance")
    hearing(c4, d4, days(260), "ptph", court=1)
    hearing(c4, d4, days(150), "trial", court=1)
    services.record_result(c4, user=oic, charge=acquitted, result="acquitted", decided_on=date(146))

    # 5. Collapsed: the group's chat log was incomplete and the prosecution stopped.
    c5 = case(
        5,
        old[4],
        summary="Offered no evidence after the group's chat log was found to be incomplete.",
    )
    d5 = defendant(c5, old[4], 350)
    first = charge(d5, 349)
    second = charge(d5, 349, ATTEMPT)
    hearing(c5, d5, days(330), "first_appearance")
    hearing(c5, d5, days(280), "ptph", court=1)
    for ch in (first, second):
        services.record_result(
            c5,
            user=oic,
            charge=ch,
            result="discontinued",
            decided_on=date(200),
            collapse_reason="unreliable_group_evidence",
            note="Messages deleted from the group's export; the decoy's device was not supplied.",
        )

    # Incidents that ended without a charge, with their Home Office outcome.
    for incident, outcome in zip(old[5:8], ("16", "15", "21"), strict=True):
        services.record_incident_outcome(
            incident,
            user=oic,
            outcome=outcome,
            decided_on=timezone.localtime(incident.occurred_at).date()
            + datetime.timedelta(days=60),
            note="Demo outcome.",
        )


def _disclosure(case, officer, date) -> None:
    """The charged case's disclosure: material scheduled, the MG6C certified and then revised
    when a late statement came in (version 2 still a draft), a nil MG6D certified, requests to
    the group (refused) and to a platform (through its legal route), MG6E candidates offered
    from any chat export, and the Disclosure Management Document."""
    from drachma.cases import disclosure, schedules

    group = case.incidents.first().groups.first()
    to_group = disclosure.add_request(
        case,
        user=officer,
        holder_kind="group" if group else "agency",
        group=group,
        holder_name="" if group else "Children's social care",
        what="chat_logs" if group else "records",
        details="The complete chat logs from the decoy account, and the decoy's device.",
        reasons="The export handed over starts mid-conversation: who made first contact?",
        asked_on=date(60),
    )
    disclosure.answer_request(
        to_group,
        user=officer,
        answered_on=date(55),
        answer_kind="refused",
        answer="Says the decoy's phone was reset.",
        refusal_reason="The group says it keeps no copies.",
    )
    disclosure.add_request(
        case,
        user=officer,
        holder_kind="platform",
        holder_name="Meta Platforms Ireland Ltd",
        legal_route="opo",
        what="account_data",
        reasons="Subscriber and log-in records for the decoy account.",
        asked_on=date(50),
    )
    notebook = disclosure.add_material(
        case,
        user=officer,
        description="Pocket notebook entries of the arresting officers",
        location="Bolton police station",
        status="scheduled",
    )
    disclosure.add_material(
        case,
        user=officer,
        description="Custody record of the defendant",
        location="Custody system",
        status="scheduled",
        might_undermine_or_assist=True,
        mg6e_reason="Records the defendant saying he believed he was talking to an adult.",
    )
    for material in case.material.filter(status="undecided"):
        disclosure.update_material(material, user=officer, status="scheduled")
    disclosure.offer_candidates(case, user=officer)
    for candidate in case.mg6e_candidates.all():
        disclosure.decide_candidate(
            candidate,
            user=officer,
            accept=candidate.kind in ("deleted", "partial"),
            reason="Bears on the completeness of the group's evidence."
            if candidate.kind in ("deleted", "partial")
            else "Does not bear on the issues in the case.",
        )
    for schedule in schedules.latest(case):
        disclosure.certify(schedule, user=officer, role="Disclosure officer")
    disclosure.update_material(
        notebook, user=officer, location="Bolton police station, property store"
    )
    disclosure.save_dmd(
        case,
        user=officer,
        investigation_summary="A group's live-streamed confrontation after a decoy chat.",
        defence_case="The defendant says he believed he was talking to an adult.",
        lines_of_enquiry="Obtain the group's complete chat logs and the decoy's device; "
        "subscriber records for the decoy account; the defendant's phone.",
        digital_strategy="The defendant's phone: full extraction; messages with the decoy "
        "account and the week before; search terms agreed with the prosecutor.",
        third_party_approach="The group was asked for its complete logs and device; the "
        "platform through an overseas production order.",
    )


def _reupload_during_proceedings(ctx: DemoContext, case, incident, days) -> None:
    """The footage of the confrontation, posted before the arrest and taken down by the group;
    then, with the trial ahead, a re-upload found by its hash: the monitor marks it, opens an
    urgent takedown, puts it on the case's publication log and gives the officer in the case
    the action to tell the prosecutor."""
    from drachma.takedown import services as takedown
    from drachma.takedown.demo import _file, _reupload, picture

    oic = ctx.user(Role.INVESTIGATOR)
    still = picture(141)
    group = incident.groups.first()
    original = takedown.create_content_item(
        user=oic,
        url=f"https://facebook.example.com/watch/{incident.reference.lower()}",
        platform="facebook",
        group=group,
        incident=incident,
        first_seen_at=days(80),
        views_when_seen=5400,
        notes="The group's stream of the confrontation.",
    )
    takedown.capture(original, user=oic, file=_file(still, "stream.png"), captured_at=days(80))
    request = takedown.open_request(original, user=oic, at=days(79))
    takedown.transition_request(
        request, "ask_group", user=oic, note="Please remove the footage.", at=days(78)
    )
    takedown.transition_request(request, "group_removed", user=oic, at=days(76))
    copy = takedown.create_content_item(
        user=oic,
        url="https://tiktok.example.com/@justice_watch_demo/video/7301",
        platform="tiktok",
        account="@justice_watch_demo",
        first_seen_at=days(3),
        views_when_seen=18200,
        notes="Re-upload by another account.",
    )
    takedown.capture(copy, user=oic, file=_reupload(still, "reupload.jpg"), captured_at=days(3))
