from drachma.core.roles import Role

CASEWORK = [
    Role.ANALYST,
    Role.SAFEGUARDING_OFFICER,
    Role.INVESTIGATOR,
    Role.DISCLOSURE_OFFICER,
    Role.SUPERVISOR,
]
EDITORS = [Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR]

GRANTS = {
    "groups.view_group": CASEWORK,
    "groups.add_group": EDITORS,
    "groups.change_group": EDITORS,
    "groups.delete_group": [Role.SUPERVISOR],
}
