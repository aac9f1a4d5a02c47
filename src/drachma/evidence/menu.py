from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Evidence", "evidence:list", "evidence.view_evidenceitem", order=35)]
