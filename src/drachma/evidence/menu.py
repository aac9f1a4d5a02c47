from drachma.core.navigation import MenuItem, register

register(MenuItem("Evidence", "evidence:list", "evidence.view_evidenceitem", order=35))
