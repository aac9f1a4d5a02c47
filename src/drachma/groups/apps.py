from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "drachma.groups"
    label = "groups"
    verbose_name = "Groups"
