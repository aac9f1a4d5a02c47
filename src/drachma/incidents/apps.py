from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "drachma.incidents"
    label = "incidents"
    verbose_name = "Incidents"
