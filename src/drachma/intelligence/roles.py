from drachma.core.roles import Role

CASEWORK = [
    Role.ANALYST,
    Role.SAFEGUARDING_OFFICER,
    Role.INVESTIGATOR,
    Role.DISCLOSURE_OFFICER,
    Role.SUPERVISOR,
]
INTELLIGENCE = [Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR]

GRANTS = {
    "intelligence.view_group": CASEWORK,
    "intelligence.add_group": INTELLIGENCE,
    "intelligence.change_group": INTELLIGENCE,
    "intelligence.delete_group": [Role.SUPERVISOR],
    "intelligence.view_intelligenceentry": INTELLIGENCE,
    "intelligence.add_intelligenceentry": INTELLIGENCE,
    "intelligence.change_intelligenceentry": INTELLIGENCE,
    "intelligence.assess_intelligenceentry": [Role.ANALYST, Role.SUPERVISOR],
}
