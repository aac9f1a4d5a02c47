from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from drachma.core.access import get_or_404, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.panels import render_panels
from drachma.core.views import confirm_step
from drachma.incidents import selectors, services
from drachma.incidents.filtersets import IncidentFilterSet
from drachma.incidents.forms import IncidentForm, InvolvementForm, LinkedCaseForm, StatusChangeForm
from drachma.incidents.models import Incident, IncidentPerson, LinkedCase
from drachma.incidents.workflow import INCIDENT

# The orders the incident list offers (``?sort=``), newest first by default.
LIST_SORTS = {
    "reference": "reference",
    "occurred": "occurred_at",
    "kind": "kind",
    "source": "source",
    "area": ("borough__name", "ward__name", "place"),
    "status": "status",
}


@require("incidents.view_incident")
def incident_list(request):
    filterset = IncidentFilterSet(request.GET or None, queryset=selectors.incident_queryset())
    queryset = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else selectors.incident_queryset()
    )
    if filterset.is_bound and not filterset.is_valid():
        queryset = queryset.none()
    context = {
        "filterset": filterset,
        **paginate(request, queryset, sorts=LIST_SORTS, default_sort="-occurred"),
    }
    return render(request, "incidents/incident_list.html", context)


@require("incidents.view_incident", hide=True)
def incident_detail(request, reference: str):
    incident = selectors.incident_for(request.user, reference)
    context = {
        "incident": incident,
        "involvements": selectors.involvements_for(request.user, incident),
        "linked_cases": selectors.linked_cases_for(request.user, incident),
        "panels": render_panels("incident_panel", request, incident),
        "involvement_form": InvolvementForm(),
        "link_form": LinkedCaseForm(incident=incident),
        "transitions": INCIDENT.allowed(incident.status, request.user),
    }
    return render(request, "incidents/incident_detail.html", context)


# What each step of an incident's status does, in words, on its confirmation page.
STEP_WORDS = {
    "assess": ["The incident shows as being assessed."],
    "investigate": ["The incident shows as under investigation."],
    "close": [
        "The incident is closed, with the reason you give, and counted as closed in the "
        "force's figures.",
        "Only a supervisor can reopen it.",
    ],
    "reopen": ["The incident goes back to being assessed, with the reason you give."],
}


@require("incidents.change_incident", hide=True, methods=["GET", "POST"])
def incident_transition(request, reference: str, incident_transition: str):
    """One step of the incident's status, on its own page: what will happen, in words, and the
    reason where the step needs one (the machine checks the step and the role)."""
    if incident_transition not in STEP_WORDS:
        raise Http404("No such step.")
    incident = get_or_404(Incident, what="incident", reference=reference)
    step = INCIDENT.transition(incident_transition)
    form = StatusChangeForm(
        request.POST if request.method == "POST" else None, required=bool(step.note)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(
                incident, incident_transition, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Incident {incident.reference} {step.done}.")
            return redirect("incidents:detail", reference=reference)
    return confirm_step(
        request,
        title=f"{step.label} {incident.reference}?",
        what_will_happen=STEP_WORDS[incident_transition],
        action_url=request.path,
        button=f"{step.label} the incident" if incident_transition != "assess" else step.label,
        cancel_url=reverse("incidents:detail", args=[reference]),
        form=form,
        caption=f"Incident {incident.reference}",
        destructive=incident_transition == "close",
    )


@require("incidents.add_incident", methods=["GET", "POST"])
def incident_create(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.create_incident(
                user=request.user, groups=form.cleaned_data["groups"], **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Incident {incident.reference} recorded.")
            return redirect("incidents:detail", reference=incident.reference)
    return render(request, "incidents/incident_form.html", {"form": form})


@require("incidents.change_incident", hide=True, methods=["GET", "POST"])
def incident_edit(request, reference: str):
    incident = get_object_or_404(Incident, reference=reference)
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_incident(
                incident,
                user=request.user,
                groups=form.cleaned_data["groups"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Incident {incident.reference} updated.")
            return redirect("incidents:detail", reference=incident.reference)
    return render(request, "incidents/incident_form.html", {"form": form, "incident": incident})


@require("incidents.add_incidentperson", hide=True, methods=["POST"])
def involvement_add(request, reference: str):
    incident = get_object_or_404(Incident, reference=reference)
    form = InvolvementForm(request.POST)
    if form.is_valid():
        try:
            services.add_person(incident, user=request.user, **form.cleaned_data)
            messages.success(request, "Person added to the incident.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(
            request, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        )
    return redirect("incidents:detail", reference=reference)


@require("incidents.delete_incidentperson", hide=True, methods=["GET", "POST"])
def involvement_remove(request, reference: str, involvement_id: int):
    """Take a person off an incident, after a page saying what that does."""
    involvement = get_or_404(
        IncidentPerson.objects.select_related("person", "incident"),
        what="person on this incident",
        pk=involvement_id,
        incident__reference=reference,
    )
    name = involvement.person.full_name
    if request.method == "POST":
        services.remove_person(involvement, user=request.user)
        messages.success(request, f"{name} removed from incident {reference}")
        return redirect("incidents:detail", reference=reference)
    links = LinkedCase.objects.filter(Q(suspect=involvement) | Q(group_member=involvement)).count()
    what = [
        f"{name} is no longer recorded as {involvement.get_role_display().lower()} on "
        f"incident {reference}.",
        "Their person record stays, with any other incidents they are on.",
    ]
    if links:
        what.append(
            "The linked case naming them on this incident is removed too."
            if links == 1
            else f"The {links} linked cases naming them on this incident are removed too."
        )
    return confirm_step(
        request,
        title=f"Remove {name} from incident {reference}?",
        what_will_happen=what,
        action_url=request.path,
        button="Remove the person",
        cancel_url=reverse("incidents:detail", args=[reference]),
        caption=f"Incident {reference}",
    )


@require("incidents.add_linkedcase", hide=True, methods=["POST"])
def linked_case_add(request, reference: str):
    incident = get_object_or_404(Incident, reference=reference)
    form = LinkedCaseForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.link_cases(incident, user=request.user, **form.cleaned_data)
            messages.success(request, "Cases linked.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(
            request, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        )
    return redirect("incidents:detail", reference=reference)
