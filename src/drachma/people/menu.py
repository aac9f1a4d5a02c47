from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("People", "people:list", "people.view_person", order=30)]
