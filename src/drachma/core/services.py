from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from drachma.core.models import Notification


def notify(
    recipient, subject: str, body: str = "", link: str = "", email: bool = True
) -> Notification:
    """Tell a user something in the app and, when they have an address, by e-mail."""
    notification = Notification.objects.create(
        recipient=recipient, subject=subject[:200], body=body, link=link
    )
    if email and recipient.email:
        # Sent after commit so that a rolled-back change sends no mail.
        transaction.on_commit(
            lambda: send_mail(
                f"[Drachma] {subject}",
                f"{body}\n\n{link}".strip(),
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
                fail_silently=True,
            )
        )
    return notification
