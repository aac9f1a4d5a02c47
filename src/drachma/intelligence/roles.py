from drachma.core.roles import Role

INTELLIGENCE = [Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR]

GRANTS = {
    "intelligence.view_intelligenceentry": INTELLIGENCE,
    "intelligence.add_intelligenceentry": INTELLIGENCE,
    "intelligence.change_intelligenceentry": INTELLIGENCE,
    "intelligence.assess_intelligenceentry": [Role.ANALYST, Role.SUPERVISOR],
    "intelligence.view_sanitiseddisclosure": INTELLIGENCE,
    "intelligence.add_sanitiseddisclosure": [Role.ANALYST, Role.SUPERVISOR],
}
