from drachma.core.navigation import MenuItem, register

register(MenuItem("Incidents", "incidents:list", "incidents.view_incident", order=10))
