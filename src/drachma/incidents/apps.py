from django.apps import AppConfig
from django.db.models.signals import post_save


def _person_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A person's flags or date of birth changed: the incidents where they were confronted
    may now need urgent review (``targeting``)."""
    if raw or created:
        return
    from drachma.incidents import targeting
    from drachma.incidents.models import Incident, PersonRole

    for incident in Incident.objects.filter(
        involvements__person=instance, involvements__role=PersonRole.SUBJECT
    ).distinct():
        targeting.review(incident)


class IncidentsConfig(AppConfig):
    name = "drachma.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        post_save.connect(_person_saved, sender="people.Person", dispatch_uid="incidents.targeting")
