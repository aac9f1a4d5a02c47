from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "drachma.areas"
    label = "areas"
    verbose_name = "Areas"
