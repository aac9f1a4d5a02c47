from django.db import transaction

from drachma.core import mail
from drachma.core.models import Notification


def notify(
    recipient, subject: str, body: str = "", link: str = "", email: bool = True
) -> Notification:
    """Tell a user something in the app and, when they have an address, by e-mail."""
    notification = Notification.objects.create(
        recipient=recipient, subject=subject[:200], body=body, link=link
    )
    if email and recipient.email:
        # Sent after commit so that a rolled-back change sends no mail; a failure is logged
        # and retried by the worker, never dropped (drachma.core.mail).
        address = recipient.email
        transaction.on_commit(
            lambda: mail.deliver(f"[Drachma] {subject}", f"{body}\n\n{link}".strip(), [address])
        )
    return notification
