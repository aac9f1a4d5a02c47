from drachma.core.navigation import MenuItem, register

register(MenuItem("Statistics", "statistics:overview", "statistics.view_statistics", order=60))
