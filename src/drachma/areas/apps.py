from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AreasConfig(AppConfig):
    name = "drachma.areas"
    label = "areas"
    verbose_name = "Areas"

    def ready(self) -> None:
        from drachma.areas.loading import ensure_loaded

        post_migrate.connect(ensure_loaded, sender=self, dispatch_uid="areas.ensure_loaded")
