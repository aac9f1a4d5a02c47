"""Who may do what with evidence.

Exhibits are personal data about people not convicted and about children: investigators and
disclosure officers read them (and supervisors, for everything operational); analysts and
safeguarding officers work from the incident, not its material. Investigators and supervisors
take material in and record its custody; the disclosure officer writes the schedules.
"""

from drachma.core.roles import Role

READERS = [Role.INVESTIGATOR, Role.DISCLOSURE_OFFICER, Role.SUPERVISOR]
HANDLERS = [Role.INVESTIGATOR, Role.SUPERVISOR]
DISCLOSURE = [Role.DISCLOSURE_OFFICER, Role.SUPERVISOR]

GRANTS = {
    "evidence.view_evidenceitem": READERS,
    "evidence.add_evidenceitem": HANDLERS,
    "evidence.view_custodyevent": READERS,
    "evidence.add_custodyevent": HANDLERS,
    "evidence.view_parsedconversation": READERS,
    "evidence.add_parsedconversation": HANDLERS,
    "evidence.view_disclosureentry": READERS,
    "evidence.add_disclosureentry": DISCLOSURE,
    "evidence.change_disclosureentry": DISCLOSURE,
    "evidence.export_bundle": READERS,
}
