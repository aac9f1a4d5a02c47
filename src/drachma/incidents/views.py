from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from drachma.core.access import require
from drachma.core.feedback import flash_form_errors, flash_validation_error
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.panels import render_panels
from drachma.incidents import selectors, services
from drachma.incidents.filtersets import IncidentFilterSet
from drachma.incidents.forms import IncidentForm, InvolvementForm, LinkedCaseForm, StatusChangeForm
from drachma.incidents.models import Incident, IncidentPerson
from drachma.incidents.workflow import INCIDENT


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
    context = {"filterset": filterset, **paginate(request, queryset)}
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
        "status_form": StatusChangeForm(),
    }
    return render(request, "incidents/incident_detail.html", context)


@require("incidents.change_incident", hide=True, methods=["POST"])
def incident_transition(request, reference: str, incident_transition: str):
    """One step of the incident's status (the machine checks the step and the role)."""
    incident = get_object_or_404(Incident, reference=reference)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                incident, incident_transition, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            flash_validation_error(request, exc)
        else:
            messages.success(
                request,
                f"Incident {incident.reference} {INCIDENT.transition(incident_transition).done}.",
            )
    else:
        flash_form_errors(request, form)
    return redirect("incidents:detail", reference=reference)


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
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("incidents:detail", reference=reference)


@require("incidents.delete_incidentperson", hide=True, methods=["POST"])
def involvement_remove(request, reference: str, involvement_id: int):
    involvement = get_object_or_404(
        IncidentPerson, pk=involvement_id, incident__reference=reference
    )
    services.remove_person(involvement, user=request.user)
    messages.success(request, "Person removed from the incident.")
    return redirect("incidents:detail", reference=reference)


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
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("incidents:detail", reference=reference)
