from django.shortcuts import render

from drachma.audit.filtersets import AuditEntryFilterSet
from drachma.audit.models import AuditEntry
from drachma.audit.services import record_log_read
from drachma.core.access import require
from drachma.core.paging import paginate


@require("audit.view_audit_log")
def audit_log(request):
    entries = AuditEntry.objects.select_related("seal")
    filterset = AuditEntryFilterSet(request.GET or None, queryset=entries)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else entries
    if filterset.is_bound and not filterset.is_valid():
        queryset = AuditEntry.objects.none()
    context = paginate(request, queryset)
    page = context["page_obj"]
    # Evaluated once, before the read is recorded: the page shows what the auditor saw,
    # and the entry recording this read is appended after it.
    page.object_list = list(page.object_list)
    record_log_read(request, page.object_list)
    return render(request, "audit/audit_log.html", {"filterset": filterset, **context})
