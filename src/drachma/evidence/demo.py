"""Demo evidence: exhibits on recent incidents with custody chains, a parsed WhatsApp chat with
silences, deleted messages and media left out, and disclosure entries on both schedules.
Every name and message is invented. The incidents are left in ``ctx.extra["bundle_incidents"]``
for the apps that add to their bundles (takedown's publication log)."""

import datetime
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.evidence import services

DECOY = "Amy"  # the group's decoy profile
SUSPECT = "Dave R"
OPENERS = ["hey", "u there?", "how was school", "what u up to", "miss talking to u", "hi again"]
REPLIES = ["ok", "lol", "not much", "yeah", "im at my nans", "who is this again", "cant talk now"]
PUSHES = [
    "dont tell anyone about us ok",
    "delete these msgs after",
    "can u send a pic",
    "i could pick u up after school",
    "ur very mature for ur age",
    "is ur mum in tonight",
]


def _chat(rng, start: datetime.datetime) -> bytes:
    """A WhatsApp (Android, English, day-first, 24-hour) export with the features an
    investigator needs to see: silences of days, deletions, omitted media, multi-line messages."""
    lines = []
    t = start

    def say(sender, text):
        lines.append(f"{t:%d/%m/%Y, %H:%M} - {sender}: {text}")

    lines.append(
        f"{t:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. No one outside of "
        "this chat, not even WhatsApp, can read or listen to them. Tap to learn more."
    )
    # Days of talk with silences of several days between some of them.
    for n, day in enumerate((0, 1, 5, 6, 10, 11)):
        t = start + datetime.timedelta(days=day, hours=rng.randint(0, 3))
        say(SUSPECT, rng.choice(OPENERS))
        if n == 1:
            t += datetime.timedelta(minutes=2)
            say(SUSPECT, "<Media omitted>")
            t += datetime.timedelta(minutes=1)
            say(SUSPECT, "This message was deleted")
        for _ in range(rng.randint(4, 9)):
            t += datetime.timedelta(minutes=rng.randint(1, 14))
            roll = rng.random()
            if roll < 0.08:
                say(SUSPECT, "This message was deleted")
            elif roll < 0.14:
                say(SUSPECT, "<Media omitted>")
            elif roll < 0.2:
                say(SUSPECT, rng.choice(PUSHES) + "\n" + "promise me")
            elif roll < 0.55:
                say(SUSPECT, rng.choice(PUSHES))
            else:
                say(DECOY, rng.choice(REPLIES))
    t += datetime.timedelta(minutes=3)
    say(SUSPECT, "so saturday at the bus station yeah?")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _screenshot(caption: str) -> bytes:
    image = Image.new("RGB", (420, 140), "white")
    ImageDraw.Draw(image).text((10, 60), caption, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    investigator = ctx.user(Role.INVESTIGATOR)
    other = ctx.user(Role.INVESTIGATOR, 1)
    supervisor = ctx.user(Role.SUPERVISOR)
    disclosure = ctx.user(Role.DISCLOSURE_OFFICER)
    recent = sorted(
        (i for i in ctx.incidents if i.occurred_at < now - datetime.timedelta(days=20)),
        key=lambda i: i.occurred_at,
        reverse=True,
    )[:4]
    ctx.extra["bundle_incidents"] = recent
    for n, incident in enumerate(recent):
        received = incident.occurred_at + datetime.timedelta(hours=6)

        def at(hours, base=received):
            return min(base + datetime.timedelta(hours=hours), now - datetime.timedelta(minutes=5))

        chat_start = incident.occurred_at - datetime.timedelta(days=16)
        chat_start = chat_start.astimezone(datetime.UTC).replace(
            second=0, microsecond=0, tzinfo=None
        )
        chat = services.upload_evidence(
            io.BytesIO(_chat(rng, chat_start)),
            original_filename=f"WhatsApp Chat with {SUSPECT}.txt",
            received_from_type="group",
            received_from="The group's organiser",
            user=investigator,
            incident=incident,
            kind="chat_export",
            received_at=received,
            location="Bolton police station",
            description=(
                "Chat between the group's decoy profile and the man they confronted, exported by "
                "the group."
            ),
        )
        holder = services.person_name(investigator)
        services.record_custody_event(
            chat, kind="logged", user=investigator, at=at(1), location="Property system, Bolton"
        )
        services.record_custody_event(
            chat,
            kind="transferred",
            user=investigator,
            at=at(20),
            from_party=holder,
            to_party="Digital forensics unit",
            verify_hash=True,
        )
        services.record_custody_event(
            chat,
            kind="examined",
            user=supervisor,
            at=at(44),
            note="Export compared with the decoy phone's extraction.",
        )
        services.record_custody_event(
            chat,
            kind="copied",
            user=supervisor,
            at=at(45),
            note="Working copy made for review.",
            verify_hash=True,
        )

        shot = services.receive_file(
            io.BytesIO(_screenshot(f"Profile of the suspect, incident {incident.reference}")),
            original_filename="profile_screenshot.png",
            received_from_type="public",
            received_from="A member of the public",
            via="upload",
            user=other,
            incident=incident,
            kind="screenshot",
            received_at=at(2),
        )
        services.record_custody_event(shot, kind="logged", user=other, at=at(3))
        if n % 2 == 0:
            services.record_custody_event(
                shot,
                kind="returned",
                user=other,
                at=at(30),
                to_party="The member of the public",
                note="Original phone returned.",
            )
            services.record_custody_event(
                shot,
                kind="disposed",
                user=supervisor,
                at=at(31),
                note="Duplicate copy disposed of; the exhibit remains in the store.",
            )

        services.create_disclosure_entry(
            incident=incident,
            user=disclosure,
            item=chat,
            used=True,
            status="scheduled",
            description="WhatsApp chat exported by the group, relied on by the prosecution.",
        )
        services.create_disclosure_entry(
            incident=incident,
            user=disclosure,
            item=shot,
            status="scheduled",
            description="Screenshot of the suspect's profile sent in by a member of the public.",
            might_undermine_or_assist=n == 1,
            mg6e_reason="The profile photo differs from the suspect's appearance."
            if n == 1
            else "",
        )
        services.create_disclosure_entry(
            incident=incident,
            user=disclosure,
            sensitive=True,
            status="scheduled",
            description="Intelligence report about the group's planning of the confrontation.",
            sensitivity_reason="Would reveal an intelligence source and police tactics.",
        )
