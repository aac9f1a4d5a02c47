from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem(
        "Safeguarding", "safeguarding:queue", "safeguarding.view_safeguardingaction", order=14
    ),
    MenuItem(
        "Safeguarding overview",
        "safeguarding:overview",
        "safeguarding.view_safeguarding_overview",
        order=15,
    ),
]
