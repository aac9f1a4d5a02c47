from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "drachma.audit"
    label = "audit"
