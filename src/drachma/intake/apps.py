from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "drachma.intake"
    label = "intake"
