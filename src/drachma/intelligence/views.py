from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from drachma.core.access import get_or_404, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.intelligence import selectors, services
from drachma.intelligence.filtersets import IntelligenceEntryFilterSet
from drachma.intelligence.forms import DisclosureForm, IntelligenceEntryForm, TransitionForm
from drachma.intelligence.models import IntelligenceEntry
from drachma.intelligence.workflow import INTELLIGENCE_WORKFLOW

# The orders the list offers (?sort=), as in docs/design.md.
SORTS = {
    "reference": "reference",
    "learned": "learned_at",
    "group": "group__name",
    "grading": ("source_evaluation", "intelligence_assessment", "handling_code"),
    "status": "status",
    "review": "review_date",
}


@require("intelligence.view_intelligenceentry")
def entry_list(request):
    """Every entry, filtered as the API filters them, sorted and paginated; the rows shown are
    recorded as viewed by the selector. ``?status=requires_assessment`` is the list behind the
    dashboard's count of entries awaiting assessment."""
    filterset = IntelligenceEntryFilterSet(request.GET, queryset=selectors.entry_queryset())
    entries = filterset.qs if filterset.is_valid() else selectors.entry_queryset().none()
    listing = selectors.entries_for(request.user, entries, query=request.GET.urlencode())
    context = {
        "filterset": filterset,
        **paginate(request, listing, sorts=SORTS, default_sort="-learned"),
    }
    return render(request, "intelligence/entry_list.html", context)


@require("intelligence.view_intelligenceentry", hide=True)
def entry_detail(request, entry_id: int):
    return _detail(request, entry_id)


def _detail(request, entry_id: int, disclosure_form: DisclosureForm | None = None):
    entry = selectors.entry_for(request.user, entry_id)
    return render(
        request,
        "intelligence/entry_detail.html",
        {
            "entry": entry,
            "disclosures": selectors.disclosures_for(request.user, entry),
            "disclosure_form": disclosure_form
            or DisclosureForm(initial={"handling_code": entry.handling_code}),
            # Only the moves this user may make now (an author does not assess their own entry).
            "transitions": [
                t
                for t in INTELLIGENCE_WORKFLOW.allowed(entry.status, request.user)
                if t.name in services.available_transitions(entry, request.user)
            ],
            "transition_form": TransitionForm(),
            # Its recording, then each step of the workflow (the machine's events, in words).
            "history": [
                {"label": "Recorded", "by": _name(entry.created_by), "at": entry.created_at},
                *entry.events.all(),
            ],
        },
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@require("intelligence.add_intelligenceentry", methods=["GET", "POST"])
def entry_create(request):
    form = IntelligenceEntryForm(request.POST or None, initial={"group": request.GET.get("group")})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(
                user=request.user, incidents=form.cleaned_data["incidents"], **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, f"Intelligence {entry.reference} recorded; it requires assessment."
            )
            return redirect("intelligence:entry_detail", entry_id=entry.pk)
    return render(request, "intelligence/entry_form.html", {"form": form})


@require("intelligence.change_intelligenceentry", hide=True, methods=["GET", "POST"])
def entry_edit(request, entry_id: int):
    entry = get_or_404(IntelligenceEntry, pk=entry_id, what="intelligence entry")
    form = IntelligenceEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(
                entry,
                user=request.user,
                incidents=form.cleaned_data["incidents"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Intelligence {entry.reference} updated.")
            return redirect("intelligence:entry_detail", entry_id=entry.pk)
    elif request.method == "GET":
        # The form shows the entry's text: a view, recorded like any other.
        selectors.shown_entry(request.user, entry)
    return render(request, "intelligence/entry_form.html", {"form": form, "entry": entry})


@require("intelligence.view_intelligenceentry", hide=True, methods=["POST"])
def entry_transition(request, entry_id: int, action: str):
    entry = get_or_404(IntelligenceEntry, pk=entry_id, what="intelligence entry")
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.transition_entry(
            entry, action, user=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        step = INTELLIGENCE_WORKFLOW.transition(action)
        messages.success(request, f"{entry.reference} {step.done or step.label.lower()}")
    return redirect("intelligence:entry_detail", entry_id=entry.pk)


@require("intelligence.add_sanitiseddisclosure", hide=True, methods=["POST"])
def entry_disclose(request, entry_id: int):
    """Record to whom the sanitised copy was disclosed; errors are shown on the entry's page."""
    entry = get_or_404(IntelligenceEntry, pk=entry_id, what="intelligence entry")
    form = DisclosureForm(request.POST)
    if form.is_valid():
        try:
            disclosure = services.disclose_entry(entry, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, f"Disclosure of {entry.reference} to {disclosure.recipient} recorded."
            )
            return redirect("intelligence:entry_detail", entry_id=entry.pk)
    response = _detail(request, entry_id, disclosure_form=form)
    response.status_code = 400
    return response
