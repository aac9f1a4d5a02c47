from drachma.core.navigation import MenuItem, register

register(MenuItem("People", "people:list", "people.view_person", order=30))
