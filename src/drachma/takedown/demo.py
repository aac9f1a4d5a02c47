"""Demo footage: a takedown in every state, re-uploads found by their perceptual hashes, and
the publication log of the incidents the evidence demo made bundles for.

Pictures and clips are drawn here with Pillow and PyAV (small, so the demo stays quick) and go
through the real services: stored as evidence, hashed with PDQ and vPDQ, matched. Addresses
are on example domains; accounts and messages are invented."""

import datetime
import io
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.takedown import services
from drachma.takedown.models import Platform

# The steps that lead from a new request to each state (and the day, after it was opened,
# each is taken), with what an officer would write.
STEPS = {
    "ask_group": "We ask you to remove the video of {when}: it identifies a man who has not been "
    "charged and may prejudice any prosecution.",
    "group_refused": "The group replied that the video stays up 'in the public interest'.",
    "report_to_platform": (
        "Harassment and bullying; sharing private information (the man's address is shown)."
    ),
    "platform_rejected": "The platform says the video does not breach its community standards.",
    "escalate": "Escalated to the platform's law enforcement liaison team.",
    "discard": "Not a copy: a different doorstep, same street.",
}
PATHS = {
    "identified": [],
    "removal_asked": ["ask_group"],
    "removed_by_group": ["ask_group", "group_removed"],
    "refused": ["ask_group", "group_refused"],
    "no_answer": ["ask_group", "no_answer"],
    "reported_to_platform": ["ask_group", "group_refused", "report_to_platform"],
    "removed": ["ask_group", "no_answer", "report_to_platform", "platform_removed"],
    "rejected": ["ask_group", "group_refused", "report_to_platform", "platform_rejected"],
    "pending": ["ask_group", "no_answer", "report_to_platform", "platform_pending"],
    "escalated": [
        "ask_group",
        "group_refused",
        "report_to_platform",
        "platform_rejected",
        "escalate",
    ],
    "closed": ["ask_group", "group_removed", "close"],
}
DAYS = {
    "ask_group": 1,
    "group_removed": 3,
    "group_refused": 4,
    "no_answer": 9,
    "report_to_platform": 10,
    "platform_removed": 13,
    "platform_rejected": 15,
    "platform_pending": 12,
    "escalate": 17,
    "close": 20,
}
# Seeds of pictures with detail enough for PDQ (quality 60 or more) whose re-upload stays well
# within 31 bits (checked when the demo was written: 8 to 22 bits).
PICTURE_SEEDS = [103, 106, 107, 108, 112, 115, 120, 122, 125, 132, 134, 136, 139]
PLATFORMS = [
    Platform.FACEBOOK,
    Platform.YOUTUBE,
    Platform.TIKTOK,
    Platform.FACEBOOK,
    Platform.X,
    Platform.INSTAGRAM,
    Platform.TIKTOK,
    Platform.FACEBOOK,
    Platform.TELEGRAM,
    Platform.YOUTUBE,
    Platform.SNAPCHAT,
]


def picture(seed: int, size=(480, 360)) -> Image.Image:
    """A photo-like still: gradients, shapes, blur and noise, so PDQ finds detail (quality > 50)."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = (np.cos(rng.uniform(0, np.pi)) * x + np.sin(rng.uniform(0, np.pi)) * y) / (
        width + height
    )
    base = np.stack(
        [
            128 + 80 * np.sin(2 * np.pi * rng.uniform(0.8, 2) * ramp + rng.uniform(0, 6.3))
            for _ in range(3)
        ],
        axis=-1,
    )
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        box = [
            x0,
            y0,
            x0 + int(rng.integers(width // 5, width // 2)),
            y0 + int(rng.integers(height // 5, height // 2)),
        ]
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(3))
    noisy = np.asarray(img, dtype=np.float32) + rng.normal(0, 5, size=(height, width, 3))
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8))


def _file(img: Image.Image, name: str, fmt: str = "PNG", **options) -> ContentFile:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return ContentFile(buffer.getvalue(), name=name)


def _reupload(img: Image.Image, name: str) -> ContentFile:
    """What a re-upload does to a picture: a little cropped, resized, recompressed."""
    w, h = img.size
    copy = img.crop((w // 100, h // 100, w - w // 100, h - h // 100)).resize(
        (w // 2, h // 2), Image.Resampling.LANCZOS
    )
    return _file(copy, name, "JPEG", quality=65)


def clip(seed: int, *, seconds: int = 4, scale: float = 1.0) -> ContentFile:
    """A few seconds of shapes moving over a still, as MP4 (5 frames a second)."""
    import av

    background = picture(seed)
    rng = np.random.default_rng(seed)
    width, height = background.size
    out = (int(width * scale) // 2 * 2, int(height * scale) // 2 * 2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        with av.open(str(path), mode="w") as container:
            stream = container.add_stream("libx264", rate=5)
            stream.width, stream.height = out
            stream.pix_fmt = "yuv420p"
            stream.time_base = Fraction(1, 5)
            dots = [
                (
                    rng.uniform(0, width),
                    rng.uniform(0, height),
                    rng.uniform(-40, 40),
                    rng.uniform(-30, 30),
                )
                for _ in range(4)
            ]
            for index in range(seconds * 5):
                t = index / 5
                frame = background.rotate(t * 4)
                draw = ImageDraw.Draw(frame)
                for x0, y0, vx, vy in dots:
                    cx, cy = (x0 + vx * t) % width, (y0 + vy * t) % height
                    draw.ellipse([cx - 25, cy - 25, cx + 25, cy + 25], fill=(240, 240, 240))
                frame = frame.filter(ImageFilter.GaussianBlur(2)).resize(out)
                video_frame = av.VideoFrame.from_image(frame)
                video_frame.pts = index
                for packet in stream.encode(video_frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return ContentFile(path.read_bytes(), name="stream.mp4")


def _publication_log(ctx: DemoContext, now: datetime.datetime) -> None:
    """Where footage of the evidence demo's incidents was found published: the group's own
    live stream and a re-upload."""
    investigator = ctx.user(Role.INVESTIGATOR)
    for n, incident in enumerate(ctx.extra.get("bundle_incidents", [])):
        received = incident.occurred_at + datetime.timedelta(hours=6)

        def at(hours, base=received):
            return min(base + datetime.timedelta(hours=hours), now - datetime.timedelta(minutes=5))

        if incident.stream_url:
            services.record_publication(
                incident=incident,
                user=investigator,
                url=incident.stream_url,
                platform=incident.stream_platform or "other",
                found_at=at(1, incident.occurred_at),
                description="The group's live stream of the confrontation.",
                still_online="yes" if n % 2 else "no",
                checked_at=at(48, incident.occurred_at),
            )
        services.record_publication(
            incident=incident,
            user=investigator,
            url=f"https://video.example/clip/{incident.reference.lower()}",
            platform="other",
            found_at=at(26),
            description="Re-upload of the footage on a video site.",
            still_online="unknown",
            found_by_description="Force social media desk",
        )


def seed(ctx: DemoContext) -> None:
    now = timezone.now()
    _publication_log(ctx, now)
    investigator = ctx.user(Role.INVESTIGATOR)
    supervisor = ctx.user(Role.SUPERVISOR)
    groups = list(ctx.groups)
    incidents = [i for i in ctx.incidents if i.occurred_at < now - datetime.timedelta(days=60)][
        -40:
    ]

    def account(group):
        first = group.accounts.first() if group else None
        return first.handle if first else "@exposing_the_truth_demo"

    items = {}
    for n, (state, path) in enumerate(PATHS.items()):
        group = groups[n % len(groups)] if groups else None
        incident = incidents[n % len(incidents)] if incidents else None
        platform = PLATFORMS[n % len(PLATFORMS)]
        opened = now - datetime.timedelta(days=10 + 11 * (len(PATHS) - n))
        if state in ("identified", "removal_asked"):
            opened = now - datetime.timedelta(days=1 + n)
        item = services.create_content_item(
            user=investigator,
            url=f"https://{platform}.example.com/watch/{1000 + n}",
            platform=platform,
            account=account(group),
            group=group,
            incident=incident,
            first_seen_at=opened - datetime.timedelta(hours=6),
            views_when_seen=(n + 1) * 1370,
            notes="Demo footage.",
            file=_file(picture(PICTURE_SEEDS[n]), f"capture_{n}.png"),
        )
        request = services.open_request(
            item, user=investigator, at=opened, note="Footage of a confrontation."
        )
        for action in path:
            when = opened + datetime.timedelta(days=DAYS[action])
            note = STEPS.get(action, "").format(when=f"{opened:%d %B %Y}")
            reference = f"{platform.upper()}-{70000 + n}" if action == "report_to_platform" else ""
            request = services.transition_request(
                request,
                action,
                user=investigator if n % 2 else supervisor,
                note=note,
                platform_reference=reference,
                at=when,
            )
        items[state] = item

    # Re-uploads: a picture cropped and recompressed on another platform, twice, and a copy
    # of a stream; each matched by its hashes, opening a draft for review (one discarded).
    reupload_of = [items["removed_by_group"], items["removed"], items["rejected"]]
    for k, original in enumerate(reupload_of):
        n = list(PATHS).index(next(s for s, i in items.items() if i == original))
        copy = services.create_content_item(
            user=investigator,
            url=f"https://{Platform.TIKTOK}.example.com/v/{5000 + k}",
            platform=Platform.TIKTOK,
            account=f"@reposted_{k}_demo",
            group=original.group,
            incident=original.incident,
            first_seen_at=now - datetime.timedelta(days=2 + k),
            views_when_seen=250 * (k + 1),
            notes="Found by a search of the platform.",
            file=_reupload(picture(PICTURE_SEEDS[n]), f"reupload_{k}.jpg"),
        )
        if k == 2:
            draft = copy.requests.first()
            if draft is not None:
                services.transition_request(
                    draft, "discard", user=supervisor, note=STEPS["discard"]
                )

    stream = services.create_content_item(
        user=investigator,
        url="https://facebook.example.com/live/880001",
        platform=Platform.FACEBOOK,
        account=account(groups[0] if groups else None),
        group=groups[0] if groups else None,
        first_seen_at=now - datetime.timedelta(days=6),
        views_when_seen=18200,
        notes="A live stream, recorded.",
        file=clip(7),
    )
    services.open_request(stream, user=investigator, at=now - datetime.timedelta(days=6))
    services.create_content_item(
        user=investigator,
        url="https://youtube.example.com/watch/880002",
        platform=Platform.YOUTUBE,
        account="@highlights_demo",
        group=stream.group,
        first_seen_at=now - datetime.timedelta(days=3),
        views_when_seen=900,
        notes="The stream, re-uploaded smaller.",
        file=clip(7, scale=0.75),
    )
