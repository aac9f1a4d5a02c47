from django.shortcuts import render
from django.utils import timezone

from drachma.audit.filtersets import AuditLogFilterSet
from drachma.audit.models import AuditEntry
from drachma.audit.services import record_log_export, record_log_read, verify
from drachma.core.access import require
from drachma.core.downloads import csv_attachment
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
