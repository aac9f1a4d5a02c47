from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "drachma.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from drachma.core.registry import app_modules

        # Each app's menu.py registers its entries in the main menu.
        autodiscover_modules("menu")
        # Declaring a workflow registers its state field, which only its machine may change.
        app_modules("workflow")
