from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "drachma.rights"
    label = "rights"
    verbose_name = "Rights requests"
