from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem("Groups", "intelligence:group_list", "intelligence.view_group", order=20),
    MenuItem(
        "Intelligence", "intelligence:entry_list", "intelligence.view_intelligenceentry", order=25
    ),
]
