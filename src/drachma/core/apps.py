from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "drachma.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from drachma.core.registry import app_modules

        # Declaring a workflow registers its state field, which only its machine may change.
        app_modules("workflow")
