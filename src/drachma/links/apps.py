from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "drachma.links"
    label = "links"
    verbose_name = "Link analysis"
