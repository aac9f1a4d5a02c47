"""Who may do what with safeguarding work.

Assessments and plans name vulnerable people and their needs: safeguarding officers and
supervisors read and write them; investigators read them (a suspect's welfare bears on an
arrest or interview). Analysts see counts and officer hours only, never a name.
"""

from drachma.core.roles import Role

WRITERS = [Role.SAFEGUARDING_OFFICER, Role.SUPERVISOR]
READERS = [Role.SAFEGUARDING_OFFICER, Role.INVESTIGATOR, Role.SUPERVISOR]

GRANTS = {
    "safeguarding.view_thriveassessment": READERS,
    "safeguarding.add_thriveassessment": WRITERS,
    "safeguarding.view_safeguardingaction": READERS,
    "safeguarding.add_safeguardingaction": WRITERS,
    "safeguarding.change_safeguardingaction": WRITERS,
    "safeguarding.work_safeguardingaction": WRITERS,
    "safeguarding.reopen_safeguardingaction": [Role.SUPERVISOR],
    "safeguarding.view_safeguarding_overview": [Role.SUPERVISOR],
    "safeguarding.view_safeguarding_counts": [Role.ANALYST, Role.SUPERVISOR],
    "safeguarding.view_timeentry": WRITERS,
    "safeguarding.add_timeentry": WRITERS,
    # Exposure events (the arrest, the release, each publication) start welfare actions.
    "safeguarding.view_exposureevent": READERS,
    "safeguarding.add_exposureevent": WRITERS,
}
