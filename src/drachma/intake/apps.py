from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "drachma.intake"
    label = "intake"
    verbose_name = "Intake and referrals"
