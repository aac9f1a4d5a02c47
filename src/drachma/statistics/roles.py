from drachma.core.roles import Role

GRANTS = {
    "statistics.view_statistics": [Role.ANALYST, Role.SUPERVISOR],
    "statistics.answer_foi": [Role.ANALYST, Role.SUPERVISOR],
    "statistics.export_incidents": [Role.ANALYST, Role.SUPERVISOR],
}
