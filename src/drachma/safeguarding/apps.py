from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "drachma.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"
