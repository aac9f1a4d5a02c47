from django.apps import AppConfig
from django.db.models.signals import post_save


class CasesConfig(AppConfig):
    name = "drachma.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Takedown (below) tells cases nothing itself: the monitor listens to the signal
        # Django sends for takedown's records (cases/monitor.py).
        from drachma.cases import monitor
        from drachma.takedown.models import Capture, ContentMatch, PublicationRecord

        for model in (PublicationRecord, Capture, ContentMatch):
            post_save.connect(monitor.on_save, sender=model, dispatch_uid=f"cases-{model.__name__}")
