from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "drachma.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"
