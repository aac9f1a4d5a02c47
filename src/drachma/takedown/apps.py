from django.apps import AppConfig


class TakedownConfig(AppConfig):
    name = "drachma.takedown"
    label = "takedown"
    verbose_name = "Takedown"
