from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "drachma.evidence"
    label = "evidence"
    verbose_name = "Evidence"
