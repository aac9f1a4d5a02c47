from drachma.core.roles import Role

GRANTS = {
    "statistics.view_statistics": [Role.ANALYST, Role.SUPERVISOR],
    "statistics.answer_foi": [Role.ANALYST, Role.SUPERVISOR],
    "statistics.export_incidents": [Role.ANALYST, Role.SUPERVISOR],
    # FOI requests: the analysts who answer them and their supervisors; the auditor reads the
    # register (the deadlines met or missed are the force's published record).
    "statistics.view_foirequest": [Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR],
    "statistics.add_foirequest": [Role.ANALYST, Role.SUPERVISOR],
    "statistics.answer_foirequest": [Role.ANALYST, Role.SUPERVISOR],
}
