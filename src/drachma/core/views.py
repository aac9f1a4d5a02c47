from collections.abc import Sequence

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from drachma.core.access import require
from drachma.core.models import Notification
from drachma.core.paging import paginate
from drachma.core.panels import render_panels


@require("accounts.view_own_account")
def dashboard(request):
    # Each role's work first (``dashboard_work``, from the app that may read every other),
    # then the apps' own panels.
    context = {
        "work": render_panels("dashboard_work", request),
        "panels": render_panels("dashboard_panel", request),
    }
    return render(request, "core/dashboard.html", context)


@require("accounts.view_own_account")
def notifications(request):
    qs = Notification.objects.filter(recipient=request.user)
    context = paginate(
        request, qs, sorts={"when": "created_at", "subject": "subject"}, default_sort="-when"
    )
    return render(request, "core/notifications.html", context)


@require("accounts.view_own_account", hide=True, methods=["POST"])
def notification_read(request, notification_id: int):
    n = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return redirect(n.link or "core:notifications")


def confirm_step(
    request: HttpRequest,
    *,
    title: str,
    what_will_happen: str | Sequence[str],
    action_url: str,
    button: str,
    cancel_url: str,
    form: forms.BaseForm | None = None,
    caption: str = "",
    destructive: bool = True,
) -> HttpResponse:
    """The page before a destructive or closing step: what will happen, in words, and one
    button that does it. No step changes anything on a GET; the view answers the GET (and a
    POST whose ``form`` is refused) with this page, and does the step on a valid POST::

        @require("takedown.close_takedownrequest", hide=True, methods=["GET", "POST"])
        def close(request, reference):
            item = ...
            form = NoteForm(request.POST or None)
            if request.method == "POST" and form.is_valid():
                services.close(item, user=request.user, note=form.cleaned_data["note"])
                messages.success(request, f"{item.reference} closed")
                return redirect(item)
            return confirm_step(
                request,
                title=f"Close {item.reference}?",
                what_will_happen=["The request is closed: no more work is asked for.", ...],
                action_url=request.path, button="Close the request",
                cancel_url=item.get_absolute_url(), form=form,
            )

    A refused form answers 400, so that a failed step is never mistaken for a done one.
    """
    lines = [what_will_happen] if isinstance(what_will_happen, str) else list(what_will_happen)
    refused = form is not None and form.is_bound and bool(form.errors)
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "caption": caption,
            "what_will_happen": lines,
            "action_url": action_url,
            "button": button,
            "cancel_url": cancel_url,
            "form": form,
            "destructive": destructive,
        },
        status=400 if refused else 200,
    )


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
