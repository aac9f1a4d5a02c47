from django.shortcuts import render

from drachma.audit.filtersets import AuditEntryFilterSet
from drachma.audit.models import AuditEntry
from drachma.core.access import require
from drachma.core.paging import paginate


@require("audit.view_audit_log")
def audit_log(request):
    filterset = AuditEntryFilterSet(request.GET or None, queryset=AuditEntry.objects.all())
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else AuditEntry.objects.all()
    if filterset.is_bound and not filterset.is_valid():
        queryset = AuditEntry.objects.none()
    return render(request, "audit/audit_log.html", {"filterset": filterset, **paginate(request, queryset)})
