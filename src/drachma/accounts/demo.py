from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts import services
from drachma.core.roles import Role
from drachma.core.seeding import DEMO_PASSWORD, DemoContext

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
    ("forensics", "Dana", "Whitlock", Role.DIGITAL_FORENSICS, "Digital Forensics Unit"),
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
        # Every role must use a second factor. Each demo user's key is random (django-otp's
        # default), kept in the database and printed by `print_demo_logins`; `demo_totp`
        # prints a current code.
        TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
