from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "drachma.retention"
    label = "retention"
    verbose_name = "Records review (MoPI)"
