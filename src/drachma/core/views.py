from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from drachma.core.access import require
from drachma.core.models import Notification
from drachma.core.paging import paginate
from drachma.core.panels import render_panels


@require("accounts.view_own_account")
def dashboard(request):
    return render(
        request, "core/dashboard.html", {"panels": render_panels("dashboard_panel", request)}
    )


@require("accounts.view_own_account")
def notifications(request):
    qs = Notification.objects.filter(recipient=request.user)
    return render(request, "core/notifications.html", paginate(request, qs))


@require("accounts.view_own_account", hide=True, methods=["POST"])
def notification_read(request, notification_id: int):
    n = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return redirect(n.link or "core:notifications")


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
