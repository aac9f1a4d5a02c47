from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: what spans every app (the access matrix drafted from all the URLs and
    the API, the demo data set and its logins). No models."""

    name = "drachma.site"
    label = "site"
    verbose_name = "Site"
