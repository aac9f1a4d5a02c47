from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "drachma.statistics"
    label = "statistics"
    verbose_name = "Statistics"
