from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Link charts", "links:index", "groups.view_group", order=26)]
