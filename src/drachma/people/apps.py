from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "drachma.people"
    label = "people"
    verbose_name = "People"
