from django.template.loader import render_to_string

from drachma.evidence import selectors
from drachma.evidence.models import ParsedConversation
from drachma.evidence.services import custody_position
from drachma.evidence.workflow import CustodyState


def incident_panel(request, incident) -> str | None:
    if not request.user.has_perm("evidence.view_evidenceitem"):
        return None
    items = list(selectors.items_for_incident(incident).prefetch_related("custody_events__by"))
    conversations = {c.item_id: c for c in ParsedConversation.objects.filter(item__in=items)}
    rows = []
    for item in items:
        events = sorted(item.custody_events.all(), key=lambda e: (e.at, e.pk))
        state, holder = custody_position(events)
        rows.append(
            {
                "item": item,
                "state": CustodyState(state).label,
                "holder": holder,
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
