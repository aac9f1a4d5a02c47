from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "drachma.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # After the last app migrates, so that every app's permissions exist.
        post_migrate.connect(_sync_after_last_app, dispatch_uid="drachma-sync-roles")


def _sync_after_last_app(sender, app_config=None, **kwargs):
    from drachma.core.registry import drachma_apps

    last = [c for c in drachma_apps() if c.models_module is not None][-1]
    if app_config is not None and app_config.label == last.label:
        from drachma.accounts.roles import sync_roles

        sync_roles()
