from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "drachma.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from drachma.core.registry import app_modules

        # Declaring a workflow registers its state field, which only its machine may change.
        app_modules("workflow")

        from django_tasks.signals import task_finished

        from drachma.core.observability import count_task_failure

        task_finished.connect(count_task_failure, dispatch_uid="drachma-task-failures")
