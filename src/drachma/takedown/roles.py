"""Who may do what with footage and its takedown.

Footage of a confrontation shows the person confronted, often named: the records are for the
operational roles. Investigators and supervisors work takedowns (they speak to the groups and
the platforms); safeguarding and disclosure officers read them. Analysts see the figures
only, which name platforms, groups and months, never a person. Changing a bank's matching
rule changes what every later capture matches, so it is a supervisor's decision. The
publication log is for the prosecutor: those who read the evidence keep it.
"""

from drachma.core.roles import Role

READERS = [Role.SAFEGUARDING_OFFICER, Role.INVESTIGATOR, Role.DISCLOSURE_OFFICER, Role.SUPERVISOR]
WORKERS = [Role.INVESTIGATOR, Role.SUPERVISOR]
PUBLICATION_LOG = [Role.INVESTIGATOR, Role.DISCLOSURE_OFFICER, Role.SUPERVISOR]

GRANTS = {
    "takedown.view_contentitem": READERS,
    "takedown.add_contentitem": WORKERS,
    "takedown.change_contentitem": WORKERS,
    "takedown.add_capture": WORKERS,
    "takedown.view_takedownrequest": READERS,
    "takedown.add_takedownrequest": WORKERS,
    "takedown.work_takedownrequest": WORKERS,
    "takedown.review_contentmatch": WORKERS,
    "takedown.mark_false_match": WORKERS,
    "takedown.view_matchbank": WORKERS,
    "takedown.configure_matchbank": [Role.SUPERVISOR],
    "takedown.view_takedown_figures": [Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR],
    "takedown.view_publicationrecord": PUBLICATION_LOG,
    "takedown.add_publicationrecord": PUBLICATION_LOG,
    "takedown.change_publicationrecord": PUBLICATION_LOG,
}
