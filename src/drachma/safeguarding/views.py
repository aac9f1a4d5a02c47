"""Pages: the work queue, THRIVE assessments, the plan's actions, the supervisor's view."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from drachma.core.access import get_or_404, require
from drachma.core.feedback import flash_form_errors, flash_validation_error
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.panels import render_panels
from drachma.incidents import selectors as incident_selectors
from drachma.incidents.models import Incident
from drachma.safeguarding import deadlines, grading, selectors, services
from drachma.safeguarding.filtersets import ActionFilterSet
from drachma.safeguarding.forms import ActionForm, AssessmentForm, NoteForm, OwnerForm, TimeForm
from drachma.safeguarding.models import SafeguardingAction
from drachma.safeguarding.workflow import ACTION


def _incident(reference: str) -> Incident:
    try:
        return Incident.objects.get(reference=reference)
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None


def _action(action_id: int) -> SafeguardingAction:
    """The action a step acts on (the step records the change; the page shows it after)."""
    return get_or_404(SafeguardingAction.objects.select_related("incident"), pk=action_id)


@require("safeguarding.view_safeguardingaction")
def queue(request):
    """Mine and my team's actions, past due first, then by due time."""
    filterset = ActionFilterSet(
        request.GET, queryset=selectors.action_queryset(), user=request.user
    )
    queryset = filterset.qs if filterset.is_valid() else selectors.action_queryset().none()
    context = {
        "filterset": filterset,
        "counts": selectors.queue_counts(selectors.team_of(request.user)),
        "mine": selectors.queue_counts([request.user.pk]),
        **paginate(
            request,
            selectors.actions_for(request.user, queryset, query=request.GET.urlencode()),
        ),
    }
    # Other apps add to the queue (intake: urgent reports not yet triaged).
    context["queue_panels"] = render_panels("safeguarding_queue_panel", request)
    return render(request, "safeguarding/queue.html", context)


@require("safeguarding.add_thriveassessment", hide=True, methods=["GET", "POST"])
def assess(request, reference: str):
    """A THRIVE assessment of the incident, or a reassessment when it already has one.
    "Preview" shows the proposed grade and plan without saving."""
    # The assessment page shows the incident and its people's flags: a view of the incident.
    incident = incident_selectors.incident_for(request.user, reference)
    previous = services.latest_assessment(incident)
    form = AssessmentForm(request.POST or None, reassessment=previous is not None)
    proposal = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            proposal = services.preview(incident, form.scores())
        else:
            try:
                assessment = services.record_assessment(
                    incident=incident, user=request.user, **form.service_fields()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    f"THRIVE assessment recorded: {assessment.get_grade_display().lower()}.",
                )
                return redirect("incidents:detail", reference=incident.reference)
    facts = grading.facts_for(incident)
    flagged = [
        p
        for p in facts.people
        if p.learning_disability or p.self_harm or p.mental_ill_health or p.children_in_household
    ]
    context = {
        "incident": incident,
        "form": form,
        "previous": previous,
        "proposal": proposal,
        "flagged": flagged,
    }
    return render(request, "safeguarding/assessment_form.html", context)


@require("safeguarding.view_thriveassessment", hide=True)
def assessment_detail(request, assessment_id: int):
    assessment = selectors.assessment_for(request.user, assessment_id)
    return render(request, "safeguarding/assessment_detail.html", {"assessment": assessment})


@require("safeguarding.add_safeguardingaction", hide=True, methods=["GET", "POST"])
def action_add(request, reference: str):
    incident = _incident(reference)
    form = ActionForm(request.POST or None, incident=incident, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            action = services.create_action(
                incident=incident,
                user=request.user,
                kind=d["kind"],
                owner=d["owner"],
                person=d["person"],
                description=d["description"],
                due_at=d["due_at"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Action added: {action.get_kind_display()}.")
            return redirect("incidents:detail", reference=incident.reference)
    latest = services.latest_assessment(incident)
    context = {
        "incident": incident,
        "form": form,
        "latest": latest,
        "table": deadlines.table_rows(),
    }
    return render(request, "safeguarding/action_form.html", context)


@require("safeguarding.view_safeguardingaction", hide=True)
def action_detail(request, action_id: int):
    action = selectors.action_for(request.user, action_id)
    context = {
        "action": action,
        "transitions": ACTION.allowed(action.status, request.user),
        "note_form": NoteForm(),
        "owner_form": OwnerForm(initial={"owner": action.owner_id}),
        "time_form": TimeForm(),
        "minutes": sum(t.minutes for t in action.time_entries.all()),
    }
    return render(request, "safeguarding/action_detail.html", context)


@require("safeguarding.work_safeguardingaction", hide=True, methods=["POST"])
def action_transition(request, action_id: int, action_transition: str):
    action = _action(action_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.transition_action(
                action, action_transition, user=request.user, note=form.cleaned_data["note"]
            )
            messages.success(
                request,
                (
                    f"{action.get_kind_display()}: "
                    f"{ACTION.transition(action_transition).label.lower()} done."
                ),
            )
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        flash_form_errors(request, form)
    back = request.POST.get("next", "")
    queue_path = reverse("safeguarding:queue")
    # Back to the queue as it was filtered; only ever to the queue (no open redirect).
    if back.startswith(queue_path) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("safeguarding:action", action_id=action_id)


@require("safeguarding.change_safeguardingaction", hide=True, methods=["POST"])
def action_reassign(request, action_id: int):
    action = _action(action_id)
    form = OwnerForm(request.POST)
    if form.is_valid():
        try:
            services.reassign_action(action, user=request.user, owner=form.cleaned_data["owner"])
            messages.success(request, "Action reassigned.")
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        flash_form_errors(request, form)
    return redirect("safeguarding:action", action_id=action_id)


@require("safeguarding.add_timeentry", hide=True, methods=["POST"])
def action_time(request, action_id: int):
    action = _action(action_id)
    form = TimeForm(request.POST)
    if form.is_valid():
        try:
            entry = services.record_time(action, user=request.user, **form.cleaned_data)
            messages.success(request, f"{entry.minutes} minutes recorded.")
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        flash_form_errors(request, form)
    return redirect("safeguarding:action", action_id=action_id)


@require("safeguarding.view_safeguarding_overview")
def overview(request):
    """The supervisor's view: overdue counts by officer, time to first action, officer hours."""
    context = {
        "counts": selectors.counts(),
        "by_owner": selectors.overdue_by_owner(),
        "table": deadlines.table_rows(),
    }
    return render(request, "safeguarding/overview.html", context)
