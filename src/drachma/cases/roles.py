"""Who may do what with cases.

A case names defendants, their arrests, bail and charges: the investigators who build it, the
disclosure officers who serve it and supervisors see and change it (docs/roles.md). Analysts
see the figures only (counts by stage, result and collapse reason), never a case or a name.
"""

from drachma.core.roles import Role

WORKERS = [Role.INVESTIGATOR, Role.DISCLOSURE_OFFICER, Role.SUPERVISOR]

GRANTS = {
    "cases.view_case": WORKERS,
    "cases.add_case": WORKERS,
    "cases.change_case": WORKERS,
    "cases.record_result": WORKERS,
    "cases.add_incidentoutcome": WORKERS,
    "cases.change_prosecutornotice": WORKERS,
    "cases.view_case_figures": [Role.ANALYST, Role.SUPERVISOR],
    # Disclosure per case: any of the case's workers records it; only the case's named
    # disclosure officer certifies a schedule (workflow.SCHEDULE checks who).
    "cases.manage_disclosure": WORKERS,
    "cases.certify_schedule": WORKERS,
}
