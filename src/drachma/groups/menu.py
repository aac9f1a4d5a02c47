from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Groups", "groups:group_list", "groups.view_group", order=20)]
