from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem("Statistics", "statistics:overview", "statistics.view_statistics", order=60),
    MenuItem("FOI requests", "statistics:foi_requests", "statistics.view_foirequest", order=61),
]
