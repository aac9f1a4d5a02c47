from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Statistics", "statistics:overview", "statistics.view_statistics", order=60)]
