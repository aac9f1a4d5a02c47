"""Who may do what with reports and referrals.

Reports hold what members of the public, groups and platforms tell us about people not
convicted and about children: the queue is for the roles that act on them (safeguarding
officers, investigators, supervisors). Analysts count reports through the statistics app,
never read them; disclosure officers see the material once it is on an incident. Who made a
report and how to reach them is narrower still: the investigators who may need a statement,
and supervisors. Referrals belong to the online child abuse investigation team.
"""

from drachma.core.roles import Role

TRIAGE_ROLES = [Role.SAFEGUARDING_OFFICER, Role.INVESTIGATOR, Role.SUPERVISOR]
TEAM = [Role.INVESTIGATOR, Role.SUPERVISOR]

GRANTS = {
    "intake.view_report": TRIAGE_ROLES,
    "intake.triage_report": TRIAGE_ROLES,
    "intake.reopen_report": [Role.SUPERVISOR],
    "intake.view_reporter_contact": TEAM,
    "intake.add_referral": TRIAGE_ROLES,
    "intake.view_referral": TEAM,
    "intake.work_referral": TEAM,
    # Every role that works cases may ask; what the answer shows depends on what the role
    # may see (an analyst hears only that an identifier is known, and whom to ask).
    "intake.check_known": [
        Role.ANALYST,
        Role.SAFEGUARDING_OFFICER,
        Role.INVESTIGATOR,
        Role.DISCLOSURE_OFFICER,
        Role.SUPERVISOR,
    ],
}
