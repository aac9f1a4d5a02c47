from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts import services
from drachma.core.roles import Role
from drachma.core.seeding import DEMO_PASSWORD, DemoContext

# Fixed so that the printed key stays the same across `make run`s (demo only).
DEMO_ADMIN_TOTP_KEY = "3132333435363738393031323334353637383930"

DEMO_USERS = [
    # username, first name, last name, role, team
    ("supervisor", "Sam", "Okafor", Role.SUPERVISOR, "Public Protection North"),
    ("analyst", "Priya", "Hale", Role.ANALYST, "Force Intelligence Bureau"),
    ("safeguarding", "Jordan", "Reeve", Role.SAFEGUARDING_OFFICER, "Public Protection North"),
    ("safeguarding2", "Alex", "Moreno", Role.SAFEGUARDING_OFFICER, "Public Protection North"),
    (
        "investigator",
        "Chris",
        "Lindqvist",
        Role.INVESTIGATOR,
        "Online Child Abuse Investigation Team",
    ),
    ("disclosure", "Morgan", "Adeyemi", Role.DISCLOSURE_OFFICER, "Criminal Justice Unit"),
    ("auditor", "Robin", "Farrow", Role.AUDITOR, "Professional Standards"),
    ("admin", "Casey", "Tran", Role.ADMINISTRATOR, "Information Services"),
]


def seed(ctx: DemoContext) -> None:
    supervisor = None
    for username, first, last, role, unit in DEMO_USERS:
        user = services.create_user(
            username=username,
            password=DEMO_PASSWORD,
            roles=[role],
            first_name=first,
            last_name=last,
            email=f"{username}@police.example",
            supervisor=supervisor if role != Role.SUPERVISOR else None,
            team=unit,
            collar_number=f"{ctx.rng.randint(1000, 9999)}",
        )
        if role == Role.SUPERVISOR:
            supervisor = user
        ctx.users.setdefault(str(role), []).append(user)
    admin = ctx.user(Role.ADMINISTRATOR)
    TOTPDevice.objects.create(
        user=admin, name="Demo authenticator", key=DEMO_ADMIN_TOTP_KEY, confirmed=True
    )
