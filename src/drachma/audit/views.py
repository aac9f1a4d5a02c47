from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from drachma.audit import purpose as task_purpose
from drachma.audit.filtersets import AuditLogFilterSet, DisclosureFilterSet
from drachma.audit.forms import PurposeForm
from drachma.audit.models import AuditAction, AuditEntry
from drachma.audit.services import (
    clear_purpose,
    record_log_export,
    record_log_read,
    set_purpose,
    verify,
)
from drachma.core.access import require
from drachma.core.downloads import csv_attachment
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate

READ = "audit.view_audit_log"

# The log's orders on the page.
SORTS = {
    "number": "seq",
    "when": ("at", "seq"),
    "user": "actor_username",
    "action": "action",
    "record": ("model", "object_id"),
}

EXPORT_COLUMNS = [
    "number",
    "at",
    "user",
    "action",
    "record type",
    "record id",
    "record",
    "purpose",
    "recipient",
    "changes",
    "method",
    "path",
    "ip address",
    "request id",
    "chain position",
]


def _filtered(request):
    """The filter panel and the entries it selects (none while a filter is refused)."""
    entries = AuditEntry.objects.select_related("seal")
    filterset = AuditLogFilterSet(request.GET or None, queryset=entries)
    if not filterset.is_bound:
        return filterset, entries
    return filterset, filterset.qs if filterset.is_valid() else AuditEntry.objects.none()


@require(READ)
def audit_log(request):
    filterset, queryset = _filtered(request)
    context = paginate(request, queryset, sorts=SORTS, default_sort="-number")
    page = context["page_obj"]
    # Evaluated once, before the read is recorded: the page shows what the auditor saw,
    # and the entry recording this read is appended after it.
    page.object_list = list(page.object_list)
    record_log_read(request, page.object_list)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {"filterset": filterset, "export_query": export_query.urlencode(), **context},
    )


@require(READ)
def export(request):
    """The filtered log as CSV (every page of it), oldest first. The export is recorded, naming
    the filters and the entries it holds; the entry recording it is not among them."""
    filterset, queryset = _filtered(request)
    last = queryset.order_by("-seq").values_list("seq", flat=True).first()
    entries = queryset.filter(seq__lte=last or 0).order_by("seq")
    record_log_export(request, entries)
    rows = (
        [
            e.seq,
            timezone.localtime(e.at).isoformat(),
            e.actor_username,
            e.get_action_display(),
            e.model,
            e.object_id,
            e.object_repr,
            e.purpose,
            e.recipient,
            e.changes,
            e.method,
            e.path,
            e.ip_address or "",
            e.request_id,
            e.sealed.position if e.sealed else "",
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    return csv_attachment(EXPORT_COLUMNS, rows, filename=f"audit-log-{stamp}.csv")


@require(READ, methods=["POST"])
def verify_chain(request):
    """Walk the whole chain now (a POST: it reads every entry) and show what it found."""
    return render(request, "audit/verify.html", {"report": verify(), "at": timezone.now()})


def _next_url(request) -> str:
    """Where to go back to once the purpose is set: the page the user came from (on this
    site only), or the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:dashboard")


@require("audit.set_purpose", methods=["GET", "POST"])
def purpose(request):
    """Set (or clear) the purpose of the task: recorded with every page read until changed."""
    now = task_purpose.current(request)
    if request.method == "POST" and request.POST.get("clear"):
        clear_purpose(request)
        messages.success(request, "Purpose cleared: set one before your next task")
        return redirect(_next_url(request))
    initial = {"kind": now.kind, "detail": now.detail, "recipient": now.recipient} if now else {}
    form = PurposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = set_purpose(request, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Purpose set: {chosen.text}")
            return redirect(_next_url(request))
    return render(
        request,
        "audit/purpose.html",
        {"form": form, "current": now, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


DISCLOSURE_SORTS = {
    "when": ("at", "seq"),
    "user": "actor_username",
    "recipient": "recipient",
    "purpose": "purpose",
}


@require(READ)
def disclosures(request):
    """The log of disclosures: every export, and everything done in a task that discloses to
    someone, with its recipient and purpose."""
    entries = AuditEntry.objects.filter(Q(action=AuditAction.EXPORT) | ~Q(recipient=""))
    filterset = DisclosureFilterSet(request.GET or None, queryset=entries)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else entries
    if filterset.is_bound and not filterset.is_valid():
        queryset = AuditEntry.objects.none()
    context = paginate(request, queryset, sorts=DISCLOSURE_SORTS, default_sort="-when")
    page = context["page_obj"]
    page.object_list = list(page.object_list)
    record_log_read(request, page.object_list)
    return render(request, "audit/disclosures.html", {"filterset": filterset, **context})
