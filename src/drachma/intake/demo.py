"""Demo reports: a dozen in every state, one urgent planned confrontation, referrals, and
matches to the demo groups, incidents and people. Every name, handle and number is invented
(phone numbers are in Ofcom's drama range, 0161 496 0xxx)."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.intake import official, services
from drachma.intake.models import ConcernKind, ReporterType

CHAT = """[{day}, 19:02:11] Jess: hi who is this
[{day}, 19:03:40] {handle}: saw your pic, you look older than 13
[{day}, 19:04:02] Jess: im 13 tho
[{day}, 19:05:15] {handle}: dont tell your mum we talk ok. delete this
[{day}, 19:07:51] {handle}: can you get the bus to the retail park saturday
"""


def _chat(handle: str, day: datetime.date, name: str = "chat.txt") -> ContentFile:
    text = CHAT.format(day=day.strftime("%d/%m/%Y"), handle=handle)
    return ContentFile(text.encode("utf-8"), name=name)


def _screenshot(caption: str, name: str = "screenshot.png") -> ContentFile:
    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).text((10, 50), caption, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=name)


def seed(ctx: DemoContext) -> None:
    now = timezone.now()
    rng = ctx.rng
    safeguarding = ctx.user(Role.SAFEGUARDING_OFFICER)
    investigator = ctx.user(Role.INVESTIGATOR)
    supervisor = ctx.user(Role.SUPERVISOR)
    groups = list(ctx.groups)
    streamed = [
        i
        for i in ctx.incidents
        if i.stream_url and i.occurred_at > now - datetime.timedelta(days=400)
    ]
    streamed = streamed or [i for i in ctx.incidents if i.stream_url]
    account = next((a for g in groups for a in g.accounts.all()), None)
    person = ctx.people[3] if len(ctx.people) > 3 else None

    def ago(days=0, hours=0):
        return now - datetime.timedelta(days=days, hours=hours)

    def submit(**fields):
        return services.submit_report(submitter_hash=f"demo-{rng.randrange(10**9)}", **fields)

    # 1. A member of the public's chat export: routed to the team as a referral, still open.
    submit(
        reporter_type=ReporterType.PUBLIC,
        concern=ConcernKind.POSSIBLE_OFFENDER,
        submitted_at=ago(1, 5),
        text=(
            "My niece showed me messages from a man on Snapchat asking her to meet him. She is 12."
        ),
        handles="snapchat: @mister_b_1975",
        phones="0161 496 0411",
        files=[_chat("mister_b_1975", ago(2).date(), "snapchat_chat.txt")],
        reporter_name="A. Relative (demo)",
        reporter_phone="0161 496 0102",
    )

    # 2. A group's decoy chat and screenshot: a referral the team has accepted and is working.
    group_a = groups[0]
    second = submit(
        reporter_type=ReporterType.GROUP,
        concern=ConcernKind.POSSIBLE_OFFENDER,
        submitted_at=ago(6),
        text=f"We are {group_a.name}. Our decoy '13yo Jess' was messaged by this man for two "
        "weeks. Full logs attached. We intend to meet him.",
        reporter_organisation=group_a.name,
        handles="@dave_in_bolton\nfacebook: dave.k.1980",
        phones="0161 496 0233",
        files=[
            _chat("dave_in_bolton", ago(8).date(), "decoy_chat_export.txt"),
            _screenshot("Profile: dave_in_bolton (demo)", "profile.png"),
        ],
    )
    referral = second.referral
    services.transition_referral(referral, "accept", user=investigator)
    services.transition_referral(
        referral, "start", user=investigator, note="Enquiries with the platform begun."
    )

    # 3. An urgent planned confrontation that names a group: at the top of the queue.
    group_b = groups[1] if len(groups) > 1 else group_a
    submit(
        reporter_type=ReporterType.PUBLIC,
        concern=ConcernKind.CONFRONTATION_PLANNED,
        submitted_at=ago(hours=2),
        text=f"A post by {group_b.name} says they will 'expose' a man outside the shopping "
        "centre tonight at 8pm and go live. People are sharing his address.",
        place="Salford Shopping Centre",
        when_text="Tonight, about 8pm",
        links=account.url if account else "",
    )

    # 4. Footage of a known incident's live stream: matched to the incident, then linked to it.
    if streamed:
        incident = streamed[0]
        fourth = submit(
            reporter_type=ReporterType.PLATFORM,
            concern=ConcernKind.FOOTAGE_ONLINE,
            submitted_at=ago(9),
            text="We received user reports about this live video showing a confrontation.",
            reporter_organisation="Example Video Platform (demo)",
            links=incident.stream_url + "?utm_source=share",
        )
        services.link_report(
            fourth, user=safeguarding, incident=incident, note="The stream of this incident."
        )
        # 5. The same video reported again: it matches the earlier report as well as the incident.
        submit(
            reporter_type=ReporterType.PUBLIC,
            concern=ConcernKind.FOOTAGE_ONLINE,
            submitted_at=ago(7),
            text="There is a video going round of a man being chased by people filming him.",
            links=incident.stream_url.replace("https://", "http://www.") + "/",
        )

    # 6. Another agency's report, assigned to a safeguarding officer.
    sixth = submit(
        reporter_type=ReporterType.AGENCY,
        concern=ConcernKind.CONFRONTATION_HAPPENED,
        submitted_at=ago(3),
        text=(
            "A school reports a pupil's father was confronted by a group at the school gates and "
            "filmed."
        ),
        reporter_organisation="A primary school (demo)",
        place="Rochdale",
    )
    services.assign_report(sixth, user=supervisor, assignee=safeguarding)

    # 7. A duplicate, closed with its reason.
    seventh = submit(
        reporter_type=ReporterType.PUBLIC,
        concern=ConcernKind.FOOTAGE_ONLINE,
        submitted_at=ago(12),
        text="Same video as I reported yesterday, still online.",
    )
    services.close_report(
        seventh, user=safeguarding, reason="Duplicate of an earlier report; nothing new."
    )

    # 8. A group's self-report of a confrontation, turned into an incident with its files.
    group_c = groups[2] if len(groups) > 2 else group_a
    eighth = submit(
        reporter_type=ReporterType.GROUP,
        concern=ConcernKind.CONFRONTATION_HAPPENED,
        submitted_at=ago(2),
        text=f"{group_c.name} here. We met a man at the train station last night and handed him "
        "over to officers. Video and chat attached.",
        reporter_organisation=group_c.name,
        place="Wigan North Western station",
        files=[_chat("lonely_lad_84", ago(5).date(), "whatsapp_chat.txt")],
    )
    initial = services.incident_initial(eighth)
    initial.pop("groups")
    services.convert_report(eighth, user=investigator, groups=[group_c], **initial)

    # 9. A referral the team rejected: back in triage with the reason.
    ninth = submit(
        reporter_type=ReporterType.PUBLIC,
        concern=ConcernKind.POSSIBLE_OFFENDER,
        submitted_at=ago(5),
        text="A man at the gym keeps talking about young girls. I think he is a pervert.",
        phones="0161 496 0411",
    )
    services.transition_referral(
        ninth.referral,
        "reject",
        user=investigator,
        note="No online contact with a child is described; for neighbourhood policing.",
    )

    # 10. A report naming a person already known: matched by name, linked to the person.
    if person is not None:
        tenth = submit(
            reporter_type=ReporterType.PUBLIC,
            concern=ConcernKind.CONFRONTATION_HAPPENED,
            submitted_at=ago(4),
            text=(
                "My neighbour was confronted on his doorstep by people filming him. They called "
                "him a nonce."
            ),
            names=f"{person.given_names} {person.family_name}",
            place="Oldham",
        )
        services.link_report(tenth, user=investigator, person=person, note="The man confronted.")

    # 11. Junk, closed.
    eleventh = submit(
        reporter_type=ReporterType.PUBLIC,
        concern=ConcernKind.FOOTAGE_ONLINE,
        submitted_at=ago(15),
        text="test test <script>alert('hi')</script>",
    )
    services.close_report(eleventh, user=supervisor, reason="Test message; not a report.")

    # 12. A new report waiting, with a handle matching a group's account.
    submit(
        reporter_type=ReporterType.PUBLIC,
        concern=ConcernKind.CONFRONTATION_HAPPENED,
        submitted_at=ago(hours=20),
        text=(
            "A group posted that they 'caught' someone in Bury last night. The post is by the "
            "account below."
        ),
        handles=f"{account.platform}: {account.handle}" if account else "",
        place="Bury",
    )

    # 13. Referrals in and out (docs/intake.md, "Referrals in and out").
    # A CEOP referral, routed to the team like a public report of a possible offender.
    ceop = official.receive_referral(
        user=safeguarding,
        reporter_type=ReporterType.CEOP,
        sender="NCA CEOP",
        sender_reference="CEOP-DEMO-2026-0117",
        concern=ConcernKind.POSSIBLE_OFFENDER,
        submitted_at=ago(3),
        text=(
            "CEOP referral (demo): an NCMEC CyberTip passed to the force. An account asked a "
            "child in the force area for images and to meet."
        ),
        handles="instagram: @demo_ceop_subject",
        files=[_chat("demo_ceop_subject", ago(4).date(), "cybertip_chat.txt")],
    )
    # A platform referral whose image awaits the digital forensics unit's grade.
    official.receive_referral(
        user=investigator,
        reporter_type=ReporterType.PLATFORM,
        sender="Demo Platform Ltd",
        sender_reference="DPL-2026-55012",
        concern=ConcernKind.POSSIBLE_OFFENDER,
        submitted_at=ago(1),
        may_be_indecent=True,
        text=(
            "Platform referral (demo): our classifier flagged an image sent by this account to "
            "an account we believe belongs to a child."
        ),
        handles="snapchat: @demo_platform_subject",
        files=[_screenshot("Demo placeholder: quarantined material", "flagged_image.png")],
    )
    # An onward referral to children's social care, answered.
    sent = official.record_onward_referral(
        ceop,
        user=safeguarding,
        destination="childrens_social_care",
        recipient="Demo Borough Council children's social care",
        channel="secure e-mail to the MASH",
        what_sent="The child's details from the CEOP referral and the messages received.",
        sent_at=ago(2, 20),
    )
    official.answer_onward_referral(
        sent,
        user=safeguarding,
        answer="Strategy discussion held; a single assessment opened for the child.",
        answered_at=ago(2, 2),
    )
