"""Who may do what with reports and referrals.

Reports hold what members of the public, groups and platforms tell us about people not
convicted and about children: the queue is for the roles that act on them (safeguarding
officers, investigators, supervisors). Analysts count reports through the statistics app,
never read them; disclosure officers see the material once it is on an incident. Who made a
report and how to reach them is narrower still: the investigators who may need a statement,
and supervisors. Referrals belong to the online child abuse investigation team.

Referrals in (from CEOP, platforms, other forces) are entered by the triage roles, who also
record onward referrals and their answers. Quarantined material (possible indecent images) is
listed, downloaded and graded by the digital forensics unit alone: no other role, not even a
supervisor, lists it or receives its bytes.
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
    "intake.receive_referral": TRIAGE_ROLES,
    "intake.view_onwardreferral": TRIAGE_ROLES,
    "intake.add_onwardreferral": TRIAGE_ROLES,
    "intake.answer_onwardreferral": TRIAGE_ROLES,
    "intake.view_quarantine": [Role.DIGITAL_FORENSICS],
    "intake.grade_reportfile": [Role.DIGITAL_FORENSICS],
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
