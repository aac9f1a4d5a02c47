"""The cases' pages: the list, the case page, forms to add each part, and confirmation steps
for results, sentences and the prosecutor's notice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from drachma.cases import outcomes, proceedings, selectors, services, timeline
from drachma.cases.filtersets import CaseFilterSet
from drachma.cases.forms import (
    CaseForm,
    ChargeForm,
    DefendantForm,
    HearingForm,
    NoticeForm,
    OutcomeForm,
    ResultForm,
    SentenceForm,
)
from drachma.cases.models import WITHOUT_VERDICT, CollapseReason, Result
from drachma.core.access import get_or_404, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.views import confirm_step
from drachma.incidents.models import Incident
from drachma.people.models import Person


def _case_url(case) -> str:
    return reverse("cases:detail", kwargs={"urn": case.urn})


@require("cases.view_case")
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = CaseFilterSet(request.GET, queryset=selectors.case_queryset(), request=request)
    context = paginate(
        request,
        selectors.cases_for(request.user, filterset.qs, query=request.GET.urlencode()),
        sorts={"urn": "urn", "created": "created_at", "defendants": "defendant_count"},
        default_sort="-created",
    )
    return render(request, "cases/case_list.html", {"filterset": filterset, **context})


@require("cases.add_case", methods=["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.create_case(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Case {case.urn} recorded")
            return redirect(_case_url(case))
    return render(
        request,
        "cases/form.html",
        {"form": form, "title": "Record a case", "cancel_url": reverse("cases:list")},
    )


@require("cases.view_case", hide=True)
def case_detail(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    statuses = proceedings.for_case(case)
    defendants = [(d, statuses[d.pk]) for d in case.defendants.all()]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "defendants": defendants,
            "events": timeline.events(case),
            "open_charges": any(
                getattr(c, "result", None) is None
                for d in case.defendants.all()
                for c in d.charges.all()
            ),
        },
    )


@require("cases.change_case", hide=True, methods=["GET", "POST"])
def case_edit(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.update_case(case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Case {case.urn} updated")
            return redirect(_case_url(case))
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "title": f"Change case {case.urn}",
            "case": case,
            "cancel_url": _case_url(case),
        },
    )


def _people_of(case):
    ids = list(case.incidents.values_list("pk", flat=True))
    people = Person.objects.all()
    if ids:
        people = people.filter(involvements__incident_id__in=ids).distinct()
    return people.exclude(pk__in=case.defendants.values("person_id"))


@require("cases.change_case", hide=True, methods=["GET", "POST"])
def defendant_add(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    form = DefendantForm(request.POST or None, person_queryset=_people_of(case))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            defendant = services.add_defendant(
                case, user=request.user, person=data.pop("person"), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{defendant.person.full_name} added to {case.urn}")
            return redirect(_case_url(case))
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "case": case,
            "title": f"Add a defendant to {case.urn}",
            "cancel_url": _case_url(case),
        },
    )


@require("cases.change_case", hide=True, methods=["GET", "POST"])
def defendant_edit(request: HttpRequest, defendant_id: int) -> HttpResponse:
    defendant = selectors.defendant_for(request.user, defendant_id)
    case = defendant.case
    initial = {f: getattr(defendant, f) for f in services.DEFENDANT_FIELDS}
    form = DefendantForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_defendant(defendant, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{defendant.person.full_name}'s record updated")
            return redirect(_case_url(case))
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "case": case,
            "title": f"Arrest, interview and bail: {defendant.person.full_name}",
            "cancel_url": _case_url(case),
        },
    )


@require("cases.change_case", hide=True, methods=["GET", "POST"])
def charge_add(request: HttpRequest, defendant_id: int) -> HttpResponse:
    defendant = selectors.defendant_for(request.user, defendant_id)
    case = defendant.case
    form = ChargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_charge(defendant, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{defendant.person.full_name} charged on {case.urn}")
            return redirect(_case_url(case))
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "case": case,
            "title": f"Charge {defendant.person.full_name}",
            "cancel_url": _case_url(case),
        },
    )


@require("cases.change_case", hide=True, methods=["GET", "POST"])
def hearing_add(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    form = HearingForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_hearing(case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Hearing listed on {case.urn}")
            return redirect(_case_url(case))
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "case": case,
            "title": f"List a hearing on {case.urn}",
            "cancel_url": _case_url(case),
        },
    )


def _confirm_or_show(request, form, *, title, what, button, cancel_url, template_context):
    """A valid form not yet confirmed is shown again as the confirmation step, its answers
    hidden beside the button; a refused one is the form page again."""
    hidden = type(form)(request.POST, **template_context.pop("form_kwargs", {}))
    hidden.is_valid()
    hidden.hide()
    hidden.initial = {}
    data = request.POST.copy()
    data["confirmed"] = "on"
    hidden.data = data
    return confirm_step(
        request,
        title=title,
        what_will_happen=what,
        action_url=request.path,
        button=button,
        cancel_url=cancel_url,
        form=hidden,
        destructive=False,
    )


@require("cases.record_result", hide=True, methods=["GET", "POST"])
def result_add(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    initial = {"charge": request.GET.get("charge", "")}
    form = ResultForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("confirmed"):
            try:
                row = services.record_result(
                    case,
                    user=request.user,
                    charge=data["charge"],
                    result=data["result"],
                    decided_on=data["decided_on"],
                    collapse_reason=data["collapse_reason"],
                    note=data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"{row.get_result_display()} recorded on {case.urn}")
                return redirect(_case_url(case))
        else:
            charge = services.charge_in_case(case, data["charge"])
            result = Result(data["result"])
            what = [
                f"{charge.defendant.person.full_name}, {charge.legislation}: "
                f"{result.label.lower()} on {services.day(data['decided_on'])}.",
                "A result is not changed once recorded: it is the case's record of the charge.",
            ]
            if result in WITHOUT_VERDICT and data["collapse_reason"]:
                what.append(
                    "The charge ended without a verdict and is counted as a collapse: "
                    f"{CollapseReason(data['collapse_reason']).label.lower()}."
                )
            return _confirm_or_show(
                request,
                form,
                title=f"Record {result.label.lower()} on {case.urn}?",
                what=what,
                button="Record the result",
                cancel_url=_case_url(case),
                template_context={"form_kwargs": {"case": case}},
            )
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "case": case,
            "title": f"Record a result on {case.urn}",
            "cancel_url": _case_url(case),
            "button": "Continue",
        },
    )


@require("cases.record_result", hide=True, methods=["GET", "POST"])
def sentence_add(request: HttpRequest, defendant_id: int) -> HttpResponse:
    defendant = selectors.defendant_for(request.user, defendant_id)
    case = defendant.case
    form = SentenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("confirmed"):
            try:
                services.record_sentence(
                    defendant,
                    user=request.user,
                    sentenced_on=data["sentenced_on"],
                    sentence=data["sentence"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"Sentence recorded for {defendant.person.full_name}")
                return redirect(_case_url(case))
        else:
            return _confirm_or_show(
                request,
                form,
                title=f"Record {defendant.person.full_name}'s sentence?",
                what=[
                    f"Sentenced on {services.day(data['sentenced_on'])}: {data['sentence']}",
                    "Proceedings against the defendant end with the sentence (Contempt of "
                    "Court Act 1981, Schedule 1, paragraph 5).",
                ],
                button="Record the sentence",
                cancel_url=_case_url(case),
                template_context={},
            )
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "case": case,
            "title": f"Sentence: {defendant.person.full_name}",
            "cancel_url": _case_url(case),
            "button": "Continue",
        },
    )


@require("cases.change_prosecutornotice", hide=True, methods=["GET", "POST"])
def notice_done(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, notice_id)
    case = notice.case
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.prosecutor_told(notice, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Prosecutor told of the publication on {case.urn}")
            return redirect(_case_url(case))
    return confirm_step(
        request,
        title=f"Record that {case.prosecutor_name} was told?",
        what_will_happen=[
            f"The action to tell the prosecutor of the {notice.exposure.get_kind_display().lower()}"
            " found during active proceedings is done.",
        ],
        action_url=request.path,
        button="Record that the prosecutor was told",
        cancel_url=_case_url(case),
        form=form,
        destructive=False,
    )


@require("cases.add_incidentoutcome", hide=True, methods=["GET", "POST"])
def incident_outcome(request: HttpRequest, reference: str) -> HttpResponse:
    incident = get_or_404(Incident, what="incident", reference=reference)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_incident_outcome(incident, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{incident.reference}: {row.outcome_label}")
            return redirect("incidents:detail", reference=incident.reference)
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "title": f"Outcome of {incident.reference} (no charge)",
            "cancel_url": reverse("incidents:detail", kwargs={"reference": incident.reference}),
            "source": True,
            "source_text": outcomes.source(),
        },
    )


@require("cases.view_case_figures")
def figures(request: HttpRequest) -> HttpResponse:
    from drachma.cases.figures import published

    tables = published()
    headings = [
        ("Cases by stage", "stages"),
        ("Results of charges", "results"),
        ("Endings without a verdict, by reason", "collapse_reasons"),
        ("Incidents ended without a charge, by Home Office outcome", "incident_outcomes"),
        ("Publications about a defendant", "publications"),
    ]
    return render(
        request,
        "cases/figures.html",
        {
            "tables": [(h, tables[k]) for h, k in headings],
            "outcome_source": tables["outcome_source"],
        },
    )
