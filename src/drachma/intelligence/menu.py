from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem(
        "Intelligence", "intelligence:entry_list", "intelligence.view_intelligenceentry", order=25
    ),
]
