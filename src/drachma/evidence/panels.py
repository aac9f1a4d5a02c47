from django.template.loader import render_to_string

from drachma.evidence import selectors
from drachma.evidence.models import CustodyState, ParsedConversation


def incident_panel(request, incident) -> str | None:
    if not request.user.has_perm("evidence.view_evidenceitem"):
        return None
    items = list(selectors.items_for_incident(incident))
    conversations = {c.item_id: c for c in ParsedConversation.objects.filter(item__in=items)}
    rows = []
    for item in items:
        rows.append(
            {
                "item": item,
                "state": CustodyState(item.custody_state).label,
                "holder": item.custody_holder,
                "conversation": conversations.get(item.pk),
            }
        )
    return render_to_string(
        "evidence/incident_panel.html",
        {
            "incident": incident,
            "rows": rows,
            "disclosure_count": incident.disclosure_entries.count(),
        },
        request=request,
    )
