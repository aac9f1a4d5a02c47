from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "drachma.cases"
    label = "cases"
    verbose_name = "Cases"
