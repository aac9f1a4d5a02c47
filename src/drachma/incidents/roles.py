from drachma.core.roles import Role

CASEWORK = [
    Role.ANALYST,
    Role.SAFEGUARDING_OFFICER,
    Role.INVESTIGATOR,
    Role.DISCLOSURE_OFFICER,
    Role.SUPERVISOR,
]

GRANTS = {
    "incidents.view_incident": CASEWORK,
    "incidents.add_incident": [
        Role.ANALYST,
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
    ],
    "incidents.change_incident": [
        Role.ANALYST,
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
    ],
    "incidents.delete_incident": [Role.SUPERVISOR],
    # Closed incidents are counted in the figures: reopening one is a supervisor's decision.
    "incidents.reopen_incident": [Role.SUPERVISOR],
    # Who is involved in an incident is personal data: not for analysts.
    "incidents.view_incidentperson": [
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.DISCLOSURE_OFFICER,
        Role.SUPERVISOR,
    ],
    "incidents.add_incidentperson": [Role.SAFEGUARDING_OFFICER, Role.INVESTIGATOR, Role.SUPERVISOR],
    "incidents.delete_incidentperson": [
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
    ],
    "incidents.view_linkedcase": [Role.INVESTIGATOR, Role.DISCLOSURE_OFFICER, Role.SUPERVISOR],
    "incidents.add_linkedcase": [Role.INVESTIGATOR, Role.SUPERVISOR],
}
