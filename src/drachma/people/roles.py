from drachma.core.roles import Role

GRANTS = {
    "people.view_person": [
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.DISCLOSURE_OFFICER,
        Role.SUPERVISOR,
    ],
    "people.view_person_identifiers": [
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
    ],
    "people.add_person": [Role.SAFEGUARDING_OFFICER, Role.INVESTIGATOR, Role.SUPERVISOR],
    "people.change_person": [Role.SAFEGUARDING_OFFICER, Role.INVESTIGATOR, Role.SUPERVISOR],
    "people.delete_person": [Role.SUPERVISOR],
    "people.merge_person": [Role.SUPERVISOR],
}
