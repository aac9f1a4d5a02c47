"""The roles, and what the core app grants them.

A role is a Django group. Each app says in its own ``roles.py`` which permissions each role
holds (``GRANTS``: permission -> roles); ``drachma.accounts.roles.sync_roles`` makes the
groups match exactly, after every migrate. The roles themselves live here, in the lowest
layer, so that every app can name them.
"""

from django.db.models import TextChoices


class Role(TextChoices):
    ANALYST = "analyst", "Analyst"
    SAFEGUARDING_OFFICER = "safeguarding_officer", "Safeguarding officer"
    INVESTIGATOR = "investigator", "Investigator"
    DISCLOSURE_OFFICER = "disclosure_officer", "Disclosure officer"
    SUPERVISOR = "supervisor", "Supervisor"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"
    # The digital forensics unit: grades quarantined material (possible indecent images).
    DIGITAL_FORENSICS = "digital_forensics", "Digital forensics examiner"


ALL_ROLES = list(Role)
OPERATIONAL = [
    Role.SAFEGUARDING_OFFICER,
    Role.INVESTIGATOR,
    Role.DISCLOSURE_OFFICER,
    Role.SUPERVISOR,
]

# Roles that see personal data (docs/roles.md marks the doors; tests/accounts checks this list
# against it). Granting one, or the administrator's role that grants them, needs a second
# administrator's approval (accounts.services.set_roles).
PERSONAL_DATA_ROLES = frozenset(
    {
        Role.ANALYST,
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.DISCLOSURE_OFFICER,
        Role.SUPERVISOR,
        Role.DIGITAL_FORENSICS,
    }
)
APPROVED_ROLES = PERSONAL_DATA_ROLES | {Role.ADMINISTRATOR}

GRANTS = {
    "core.view_notification": ALL_ROLES,
    # A record under a restriction of processing (DPA 2018 s.47(2)) is held but not used: its
    # details are shown only to those who handle rights requests (supervisors) and the auditor.
    "core.view_restricted_record": [Role.SUPERVISOR, Role.AUDITOR],
}
