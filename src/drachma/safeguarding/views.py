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
from drachma.core.views import confirm_step
from drachma.incidents import selectors as incident_selectors
from drachma.incidents.models import Incident, PersonRole
from drachma.safeguarding import deadlines, escalation, grading, selectors, services, welfare
from drachma.safeguarding.filtersets import ActionFilterSet
from drachma.safeguarding.forms import (
    ActionForm,
    AssessmentForm,
    ExposureForm,
    OwnerForm,
    StepForm,
    TimeForm,
)
from drachma.safeguarding.models import Grade, SafeguardingAction
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
            # Overdue first, then by due time, unless another order is asked for.
            sorts={
                "due": ("-past_due", "due_at"),
                "kind": "kind",
                "incident": "incident__reference",
                "grade": "grade",
                "status": "status",
                "owner": "owner__username",
            },
            default_sort="due",
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
            proposal = services.preview(incident, form.scores(), **form.thrive_plus())
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
    # Each flagged person's role and flags in words (the facts carry the role's code).
    flagged = []
    for p in facts.people:
        flags = [
            words
            for on, words in (
                (p.learning_disability, "learning disability"),
                (p.self_harm, "previous self-harm"),
                (p.mental_ill_health, "mental ill health"),
                (p.children_in_household, "children in the household"),
            )
            if on
        ]
        if flags:
            role = PersonRole(p.role).label if p.role in PersonRole.values else p.role
            flagged.append({"role": role, "flags": ", ".join(flags)})
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
        "owner_form": OwnerForm(initial={"owner": action.owner_id}),
        "time_form": TimeForm(),
        "minutes": sum(t.minutes for t in action.time_entries.all()),
        "queue_url": reverse("safeguarding:queue"),
    }
    return render(request, "safeguarding/action_detail.html", context)


# What each step does, in words, on its confirmation page.
STEP_WORDS = {
    "start": (
        "Start {kind} on {ref}?",
        ["The action shows as in progress, in your name, in the work queue."],
        "Start the action",
    ),
    "complete": (
        "Complete {kind} on {ref}?",
        [
            "The action is recorded as done, with what was done, who was seen and the result.",
            "The time you give is recorded as officer time on the action.",
            "It leaves the work queue; only a supervisor can reopen it.",
        ],
        "Complete the action",
    ),
    "cancel": (
        "Cancel {kind} on {ref}?",
        [
            "The action is recorded as cancelled, with the reason you give; nothing more is "
            "done for it.",
            "It leaves the work queue; only a supervisor can reopen it.",
        ],
        "Cancel the action",
    ),
    "reopen": (
        "Reopen {kind} on {ref}?",
        [
            "The action goes back to the work queue as open, with a new due time from the "
            "incident's latest grade.",
        ],
        "Reopen the action",
    ),
}


def _back(next_url: str, action_id: int):
    """Back to the queue as it was filtered, when the step started there; only ever to the
    queue (no open redirect), otherwise to the action."""
    queue_path = reverse("safeguarding:queue")
    if next_url.startswith(queue_path) and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts=None
    ):
        return redirect(next_url)
    return redirect("safeguarding:action", action_id=action_id)


@require("safeguarding.work_safeguardingaction", hide=True, methods=["GET", "POST"])
def action_transition(request, action_id: int, action_transition: str):
    """One step of an action, on its own page: what will happen, in words, and the outcome or
    the reason it needs; nothing changes on the GET."""
    if action_transition not in STEP_WORDS:
        raise Http404("No such step.")
    action = _action(action_id)
    form = StepForm(
        request.POST if request.method == "POST" else None,  # a POST with no note is answered
        step=action_transition,
        initial={"next": request.GET.get("next", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.transition_action(
                action,
                action_transition,
                user=request.user,
                note=form.cleaned_data["note"],
                **form.outcome(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            done = ACTION.transition(action_transition).done
            messages.success(
                request, f"{action.get_kind_display()} on {action.incident.reference} {done}"
            )
            return _back(form.cleaned_data["next"], action_id)
    title, what, button = STEP_WORDS[action_transition]
    kind = action.get_kind_display().lower()
    return confirm_step(
        request,
        title=title.format(kind=kind, ref=action.incident.reference),
        what_will_happen=what,
        action_url=request.path,
        button=button,
        cancel_url=reverse("safeguarding:action", args=[action_id]),
        form=form,
        caption=f"Safeguarding action on {action.incident.reference}",
        destructive=action_transition == "cancel",
    )


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
    counts = selectors.counts()
    context = {
        "counts": counts,
        # The grades in words, most urgent first (the selector keys them by their codes).
        "by_grade": [(Grade(g).label, c) for g, c in counts["by_grade"].items()],
        "by_owner": selectors.overdue_by_owner(),
        "table": deadlines.table_rows(),
        "escalations": selectors.recent_escalations(),
        "ladder": escalation.table_rows(),
    }
    return render(request, "safeguarding/overview.html", context)


@require("safeguarding.add_exposureevent", hide=True, methods=["GET", "POST"])
def exposure_add(request, reference: str):
    """Record an exposure event (an arrest, a release, a publication found) of a person
    involved in the incident; it starts the welfare actions of its row in the welfare table."""
    # The form lists the incident's people: a view of the incident.
    incident = incident_selectors.incident_for(request.user, reference)
    initial = {"person": request.GET.get("person", "")} if request.method == "GET" else None
    form = ExposureForm(request.POST or None, incident=incident, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            event = services.record_exposure(incident=incident, user=request.user, **d)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            started = event.actions.count()
            messages.success(
                request,
                f"{event.get_kind_display()} recorded for {event.person.full_name} on "
                f"{incident.reference}: {started} welfare action{'s' if started != 1 else ''} "
                "started",
            )
            return redirect("people:detail", person_id=event.person_id)
    context = {
        "incident": incident,
        "form": form,
        "table": welfare.table_rows(),
        "cancel_url": reverse("incidents:detail", args=[incident.reference]),
    }
    return render(request, "safeguarding/exposure_form.html", context)
