"""Staff pages: the triage queue, a report with its matches and decisions, referrals."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from drachma.core.access import get_or_404, require
from drachma.core.feedback import flash_validation_error, submit_form
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.views import confirm_step
from drachma.incidents.forms import IncidentForm
from drachma.incidents.models import Incident
from drachma.intake import conf, known, panels, selectors, services
from drachma.intake.filtersets import ReferralFilterSet, ReportFilterSet
from drachma.intake.forms import (
    AssignForm,
    KnownForm,
    LinkForm,
    ReasonForm,
    ReferForm,
    ReferralActionForm,
)
from drachma.intake.models import Referral, Report
from drachma.intake.services import BY_DESCRIPTION
from drachma.intake.workflow import REFERRAL, TRIAGE
from drachma.people.models import Person


def _plain_report(reference: str) -> Report:
    """The report a step acts on (not a read of it: the page it leads to records that)."""
    return get_or_404(Report, reference=reference, what="report")


def _referral(reference: str) -> Referral:
    return get_or_404(selectors.referral_detail_queryset(), reference=reference, what="referral")


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "nobody"


def _received_by(report: Report) -> str:
    if report.origin == "referral":
        return f"{_name(report.received_by)}, from {report.sender}"
    return BY_DESCRIPTION


def _back(report_ref: str):
    return redirect("intake:detail", report_ref=report_ref)


# The orders the lists offer (?sort=, docs/design.md). The queue's own order comes first:
# urgent untriaged reports, then the oldest.
REPORT_SORTS = {
    "priority": ("-urgent_open", "submitted_at"),
    "reference": "reference",
    "received": "submitted_at",
    "concern": "concern",
    "status": "status",
    "files": "file_count",
    "matches": "match_count",
}
REFERRAL_SORTS = {
    "due": "due_date",
    "reference": "reference",
    "report": "report__reference",
    "status": "status",
    "owner": "owner__username",
    "material": "material_count",
}
# Steps that end a referral's work: asked for on a page of their own, saying what happens.
CLOSING_STEPS = {
    "close": [
        "The referral is closed with the outcome you give; the team's work on it ends.",
        "The outcome is kept with the referral and shown in its history.",
    ],
    "reject": [
        "The referral is rejected: the report goes back to triage with the reason you give.",
        "The reason is kept with the referral and shown in its history.",
    ],
}


@require("intake.view_report")
def report_list(request):
    filterset = ReportFilterSet(
        request.GET, queryset=selectors.report_queryset(), user=request.user
    )
    queryset = filterset.qs if filterset.is_valid() else selectors.report_queryset().none()
    reports = selectors.reports_for(request.user, queryset, query=request.GET.urlencode())
    context = {
        "filterset": filterset,
        "counts": selectors.queue_counts(),
        **paginate(request, reports, sorts=REPORT_SORTS, default_sort="priority"),
    }
    return render(request, "intake/report_list.html", context)


@require("intake.view_report", hide=True)
def report_detail(request, report_ref: str):
    report = selectors.report_for(request.user, report_ref)
    show_contact = selectors.shows_contact(request.user)
    allowed = {t.name for t in TRIAGE.allowed(report.status, request.user)}
    context = {
        "report": report,
        "show_contact": show_contact,
        "allowed": allowed,
        "assign_form": AssignForm(),
        "reason_form": ReasonForm(),
        "link_form": LinkForm(),
        "refer_form": ReferForm(),
        "referral": getattr(report, "referral", None),
        # Its arrival, then each triage decision (the machine's events, in words).
        "history": [
            {"label": "Received", "by": _received_by(report), "at": report.submitted_at},
            *report.events.all(),
        ],
        "can_convert": "convert" in allowed and request.user.has_perm("incidents.add_incident"),
        "removal": _removal(report),
        "onward": selectors.onward_referrals(report),
        # Already known? The report's links, handles, numbers and names, checked (audited).
        "known_panel": panels._known_panel(
            request, known.queries_for_report(report), f"report {report.reference}"
        ),
    }
    return render(request, "intake/report_detail.html", context)


def _removal(report: Report) -> dict | None:
    """When a closed report that led nowhere will be removed, unless a reason to keep it is
    recorded (None for a report the removal does not concern)."""
    if report.status != "closed" or report.incident_id is not None:
        return None
    if getattr(report, "referral", None) is not None or report.linked_records.exists():
        return None
    closed = (
        Report.objects.filter(pk=report.pk)
        .annotate(closed_at=selectors.closed_at())
        .values_list("closed_at", flat=True)
        .first()
    )
    days = conf.stale_report_days()
    return {"on": closed + datetime.timedelta(days=days) if closed else None, "days": days}


@require("intake.triage_report", hide=True, methods=["POST"])
def report_assign(request, report_ref: str):
    report = _plain_report(report_ref)
    submit_form(
        request,
        AssignForm(request.POST),
        lambda data: services.assign_report(
            report, user=request.user, assignee=data["assignee"] or request.user
        ),
        lambda updated: f"{updated.reference} assigned to {_name(updated.assigned_to)}",
    )
    return _back(report_ref)


@require("intake.triage_report", hide=True, methods=["GET", "POST"])
def report_close(request, report_ref: str):
    """Closing asks first, saying what will happen (docs/design.md: no one-click closing)."""
    report = _plain_report(report_ref)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_report(report, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{report.reference} closed")
            return _back(report_ref)
    return confirm_step(
        request,
        title=f"Close report {report.reference}?",
        what_will_happen=[
            "The report leaves the triage queue; a supervisor can reopen it.",
            "The reason you give is kept with the report and shown in its history.",
            "Nothing is sent to the reporter.",
        ],
        action_url=request.path,
        button="Close the report",
        cancel_url=reverse("intake:detail", args=[report_ref]),
        form=form,
    )


class KeepReasonForm(ReasonForm):
    """Why a report that led to no incident is kept (``services.record_keep_reason``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why is this report kept?"
        self.fields["reason"].help_text = (
            "For example: the person named is the subject of a current enquiry. A report "
            "closed without an incident is otherwise removed after "
            f"{conf.stale_report_days()} days."
        )


@require("intake.triage_report", hide=True, methods=["GET", "POST"])
def report_keep(request, report_ref: str):
    """Record a reason to keep a report that led nowhere (nothing is kept without one)."""
    report = _plain_report(report_ref)
    form = KeepReasonForm(request.POST or None, initial={"reason": report.keep_reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_keep_reason(
                report, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Reason to keep {report.reference} recorded")
            return _back(report_ref)
    return confirm_step(
        request,
        title=f"Keep report {report.reference}?",
        what_will_happen=[
            "The report is not removed with the reports that were closed without an incident.",
            "Your reason, your name and the time are kept with the report and in the audit log.",
            "The report's review date (MoPI) still applies.",
        ],
        action_url=request.path,
        button="Record the reason",
        cancel_url=reverse("intake:detail", args=[report_ref]),
        form=form,
        destructive=False,
    )


@require("intake.reopen_report", hide=True, methods=["POST"])
def report_reopen(request, report_ref: str):
    report = _plain_report(report_ref)
    submit_form(
        request,
        ReasonForm(request.POST),
        lambda data: services.reopen_report(report, user=request.user, reason=data["reason"]),
        lambda updated: f"{updated.reference} reopened",
    )
    return _back(report_ref)


def link_targets(data: dict) -> dict:
    """Records named by a link form or API call; ValidationError naming one that does not exist."""
    targets = {}
    if data.get("incident"):
        targets["incident"] = Incident.objects.filter(
            reference=str(data["incident"]).strip()
        ).first()
        if targets["incident"] is None:
            raise ValidationError({"incident": f"There is no incident {data['incident']}."})
    if data.get("group"):
        from drachma.groups.models import Group

        group = data["group"]
        targets["group"] = (
            group if isinstance(group, Group) else Group.objects.filter(pk=group).first()
        )
        if targets["group"] is None:
            raise ValidationError({"group": f"There is no group {group}."})
    if data.get("person"):
        person = data["person"]
        targets["person"] = (
            person if isinstance(person, Person) else Person.objects.filter(pk=person).first()
        )
        if targets["person"] is None:
            raise ValidationError({"person": f"There is no person {data['person']}."})
    return targets


@require("intake.triage_report", hide=True, methods=["POST"])
def report_link(request, report_ref: str):
    report = _plain_report(report_ref)
    submit_form(
        request,
        LinkForm(request.POST),
        lambda data: services.link_report(
            report, user=request.user, note=data["note"], **link_targets(data)
        ),
        lambda link: f"{report.reference} linked to {link.target_kind} {link.target}",
    )
    return _back(report_ref)


@require("intake.add_referral", hide=True, methods=["POST"])
def report_refer(request, report_ref: str):
    report = _plain_report(report_ref)
    submit_form(
        request,
        ReferForm(request.POST),
        lambda data: services.refer_report(report, user=request.user, **data),
        lambda referral: f"{report.reference} referred: referral {referral.reference} made",
    )
    return _back(report_ref)


@require("intake.triage_report", hide=True, methods=["POST"])
def report_rematch(request, report_ref: str):
    report = _plain_report(report_ref)
    found = services.refresh_matches(report, user=request.user)
    noun = "match" if len(found) == 1 else "matches"
    messages.success(request, f"{report.reference}: {len(found)} {noun} found")
    return _back(report_ref)


@require("intake.triage_report", "incidents.add_incident", hide=True, methods=["GET", "POST"])
def report_convert(request, report_ref: str):
    """The incident form, filled in from the report; saving it converts the report."""
    report = _plain_report(report_ref)
    if "convert" not in {t.name for t in TRIAGE.allowed(report.status, request.user)}:
        messages.error(
            request,
            (
                f"A report that is {report.get_status_display().lower()} cannot be turned into "
                "an incident."
            ),
        )
        return _back(report_ref)
    form = IncidentForm(request.POST or None, initial=services.incident_initial(report))
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.convert_report(
                report,
                user=request.user,
                groups=form.cleaned_data["groups"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, f"Report {report.reference} is now incident {incident.reference}."
            )
            return redirect("incidents:detail", reference=incident.reference)
    # The form shows what the report says: a read of it, recorded like the report's page.
    report = selectors.shown_report(request.user, report)
    return render(request, "intake/report_convert.html", {"form": form, "report": report})


# --- referrals ----------------------------------------------------------------------------


@require("intake.view_referral")
def referral_list(request):
    filterset = ReferralFilterSet(
        request.GET, queryset=selectors.referral_queryset(), user=request.user
    )
    queryset = filterset.qs if filterset.is_valid() else selectors.referral_queryset().none()
    referrals = selectors.referrals_for(request.user, queryset, query=request.GET.urlencode())
    context = {
        "filterset": filterset,
        "counts": selectors.referral_counts(),
        **paginate(request, referrals, sorts=REFERRAL_SORTS, default_sort="due"),
    }
    return render(request, "intake/referral_list.html", context)


@require("intake.view_referral", hide=True)
def referral_detail(request, referral_ref: str):
    referral = selectors.referral_for(request.user, referral_ref)
    allowed = REFERRAL.allowed(referral.status, request.user)
    context = {
        "referral": referral,
        # Reassigning keeps the state: it has its own form (a new owner, no note). Closing and
        # rejecting are links to their confirmation pages.
        "transitions": [t for t in allowed if t.name not in ("reassign", *CLOSING_STEPS)],
        "closing": [t for t in allowed if t.name in CLOSING_STEPS],
        "action_form": ReferralActionForm(),
        "can_reassign": any(t.name == "reassign" for t in allowed),
    }
    return render(request, "intake/referral_detail.html", context)


@require("intake.work_referral", hide=True, methods=["GET", "POST"])
def referral_transition(request, referral_ref: str, referral_action: str):
    """A step of a referral. Closing and rejecting are asked for on their own page (a GET
    shows what will happen); the other steps are posted from the referral's page."""
    referral = _referral(referral_ref)
    try:
        step = REFERRAL.transition(referral_action)
    except ValidationError:
        raise Http404("No such step.") from None
    if request.method == "GET" or referral_action in CLOSING_STEPS:
        form = ReferralActionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.transition_referral(
                    referral,
                    referral_action,
                    user=request.user,
                    note=form.cleaned_data["note"],
                    owner=form.cleaned_data["owner"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"{referral.reference} {step.done}")
                return redirect("intake:referral_detail", referral_ref=referral_ref)
        del form.fields["owner"]
        form.fields["note"].label = "Outcome" if referral_action == "close" else "Reason"
        return confirm_step(
            request,
            title=f"{step.label} referral {referral.reference}?",
            what_will_happen=CLOSING_STEPS.get(
                referral_action, [f"The referral is {step.done}; the step is kept in its history."]
            ),
            action_url=request.path,
            button=f"{step.label} the referral",
            cancel_url=reverse("intake:referral_detail", args=[referral_ref]),
            form=form,
            destructive=referral_action in CLOSING_STEPS,
        )
    submit_form(
        request,
        ReferralActionForm(request.POST),
        lambda data: services.transition_referral(
            referral, referral_action, user=request.user, note=data["note"], owner=data["owner"]
        ),
        lambda _: f"{referral.reference} {step.done}",
    )
    return redirect("intake:referral_detail", referral_ref=referral_ref)


@require("intake.work_referral", hide=True, methods=["POST"])
def referral_reassign(request, referral_ref: str):
    referral = _referral(referral_ref)
    form = ReferralActionForm(request.POST)
    if form.is_valid() and form.cleaned_data["owner"]:
        try:
            services.reassign_referral(
                referral, user=request.user, owner=form.cleaned_data["owner"]
            )
            messages.success(
                request, f"{referral.reference} reassigned to {_name(form.cleaned_data['owner'])}"
            )
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        messages.error(request, "Choose the investigator who takes the referral.")
    return redirect("intake:referral_detail", referral_ref=referral_ref)


@require(known.CHECK_PERM, methods=["GET", "POST"])
def known_check(request):
    """Check identifiers by hand: one a line, ``kind: value`` (the lookup interface)."""
    form = KnownForm(request.POST or None)
    answers = None
    if request.method == "POST" and form.is_valid():
        try:
            answers = known.check(
                request.user, form.cleaned_data["queries"], via="the check page", strict=True
            )
        except ValidationError as exc:
            form.add_error(
                "identifiers", " ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "intake/known_check.html", {"form": form, "answers": answers}, status=status
    )
