from drachma.core.navigation import MenuItem

ITEMS = [MenuItem("Incidents", "incidents:list", "incidents.view_incident", order=10)]
