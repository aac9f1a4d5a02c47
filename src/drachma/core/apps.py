from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "drachma.core"
    label = "core"
    verbose_name = "Core"
