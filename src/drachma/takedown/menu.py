from drachma.core.navigation import MenuItem

ITEMS = [
    MenuItem("Footage", "takedown:list", "takedown.view_contentitem", order=14),
    MenuItem("Takedown figures", "takedown:figures", "takedown.view_takedown_figures", order=61),
]
