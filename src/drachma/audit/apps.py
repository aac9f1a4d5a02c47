from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "drachma.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from drachma.audit import recorder
        from drachma.audit.services import append
        from drachma.core import auditing

        recorder.connect()
        # Core's workflow and base queryset record through this writer.
        auditing.plug_in(append)
        from django.contrib.auth import signals

        signals.user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
        signals.user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
        signals.user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")

        from django.db.models.signals import post_migrate

        from drachma.audit.dbroles import restrict_after_migrate
        from drachma.audit.keys import keyring

        # Refuse to start without the chain's key (production: the environment or a key file;
        # development generates one under var/). ImproperlyConfigured names what to set.
        keyring()
        # Migrations run as the owner give the application's role its limits back.
        post_migrate.connect(restrict_after_migrate, sender=self, dispatch_uid="audit-grants")


def _logged_in(sender, request, user, **kwargs):
    from drachma.audit.services import append

    append("login", model="auth.user", object_id=user.pk, object_repr=user.username, actor=user)


def _logged_out(sender, request, user, **kwargs):
    from drachma.audit.services import append

    if user is not None:
        append(
            "logout", model="auth.user", object_id=user.pk, object_repr=user.username, actor=user
        )


def _login_failed(sender, credentials, request=None, **kwargs):
    from drachma.audit.services import append

    append(
        "login_failed",
        model="auth.user",
        object_repr=str(credentials.get("username", ""))[:150],
    )
