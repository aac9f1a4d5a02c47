from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from drachma.audit.services import append
from drachma.cases import figures as case_figures
from drachma.core.access import require
from drachma.core.downloads import attachment, csv_attachment
from drachma.core.paging import paginate
from drachma.core.views import confirm_step
from drachma.core.workingdays import working_days_between
from drachma.statistics import exports, foi, reports, selectors, services
from drachma.statistics.filtersets import FOIRequestFilterSet
from drachma.statistics.forms import (
    BoardReportForm,
    FOIAnswerForm,
    FOIForm,
    FOIRequestForm,
    OverviewForm,
    PeriodForm,
)
from drachma.statistics.models import Exemption, FOIStatus

TABLES = {name: d.label for name, d in selectors.DIMENSIONS.items() if not d.name_bearing}


@require("statistics.view_statistics")
def overview(request):
    form = OverviewForm.default(request.GET)
    # The MOJ filter layout takes anything with a ``form`` (a django-filter FilterSet does).
    context = {"form": form, "filters": SimpleNamespace(form=form), "tables": TABLES}
    if form.is_valid():
        data = form.cleaned_data
        measure = (
            "rate" if data.get("measure") == "rate" and data["area_filter"] is None else "count"
        )
        context.update(
            reports.overview_context(data["period"], data["area_filter"], measure=measure)
        )
        context["query"] = request.GET.urlencode()
        context["case_figures"] = case_figures.section_html(
            data["period"].start, data["period"].end, govuk=True
        )
    return render(request, "statistics/overview.html", context)


@require("statistics.view_statistics")
def table_export(request, by: str, fmt: str):
    """One breakdown (``tables/kind.csv``), or two (``tables/borough-by-kind.csv``)."""
    if "-by-" in by:
        rows_by, _, cols_by = by.partition("-by-")
        return _crosstab_export(request, rows_by, cols_by, fmt)
    form = PeriodForm.default(request.GET)
    if by not in TABLES or fmt not in ("csv", "xlsx") or not form.is_valid():
        errors = (
            form.errors.as_text()
            if form.is_bound and not form.is_valid()
            else f"Unknown table or format: {by}.{fmt}"
        )
        return HttpResponse(f"Cannot export: {errors}", status=400, content_type="text/plain")
    period, areas = form.cleaned_data["period"], form.cleaned_data["area_filter"]
    rows = selectors.counts_by(period, by, areas=areas)
    header = [selectors.DIMENSIONS[by].label, "Incidents"]
    body = [[r.label, r.count] for r in rows]
    return _download(
        header, body, fmt, f"incidents-by-{by}-{period.start}-{period.end}", TABLES[by]
    )


def _crosstab_export(request, by: str, by2: str, fmt: str):
    """Two breakdowns at once (borough by kind), the small-number rule applied to the cells and
    the totals protected, as for FOI tables."""
    form = PeriodForm.default(request.GET)
    if fmt not in ("csv", "xlsx"):
        return _refuse(f"Unknown format {fmt!r}; choose csv or xlsx.")
    for name in (by, by2):
        if name not in selectors.DIMENSIONS:
            return _refuse(f"Unknown breakdown {name!r}; choose from {', '.join(TABLES)}.")
        if selectors.DIMENSIONS[name].name_bearing:
            return _refuse(
                f"Refused: a breakdown by {selectors.DIMENSIONS[name].label.lower()} would reveal "
                "a person; statistics tables are not broken down by people."
            )
    if not form.is_valid():
        return _refuse(form.errors.as_text())
    period, areas = form.cleaned_data["period"], form.cleaned_data["area_filter"]
    try:
        table = exports.crosstab_table(period, by, by2, areas=areas)
    except ValidationError as exc:
        return _refuse(" ".join(e for errors in exc.message_dict.values() for e in errors))
    header, body = exports.crosstab_rows(table, by, by2)
    title = f"{TABLES[by]} by {TABLES[by2]}"
    return _download(
        header, body, fmt, f"incidents-by-{by}-by-{by2}-{period.start}-{period.end}", title
    )


def _refuse(message: str) -> HttpResponse:
    return HttpResponse(f"Cannot export: {message}", status=400, content_type="text/plain")


@require("statistics.export_incidents")
def incidents_export(request, fmt: str):
    form = PeriodForm.default(request.GET)
    if fmt not in ("csv", "xlsx") or not form.is_valid():
        return HttpResponse(
            f"Cannot export: {form.errors.as_text() or 'unknown format'}",
            status=400,
            content_type="text/plain",
        )
    period, areas = form.cleaned_data["period"], form.cleaned_data["area_filter"]
    append(
        "export",
        model="incidents.incident",
        object_repr=f"analyst extract {period}",
        changes={
            "period": str(period),
            "areas": list(form.cleaned_data.get("areas") or []),
            "format": fmt,
        },
    )
    rows = list(exports.incident_rows(period, areas))
    return _download(
        exports.INCIDENT_COLUMNS, rows, fmt, f"incidents-{period.start}-{period.end}", "Incidents"
    )


def _download(header, rows, fmt, filename, title):
    if fmt == "csv":
        return attachment(
            exports.to_csv(header, rows), filename=f"{filename}.csv", content_type=exports.CSV_TYPE
        )
    return attachment(
        exports.to_xlsx(header, rows, title=title),
        filename=f"{filename}.xlsx",
        content_type=exports.XLSX_TYPE,
    )


@require("statistics.answer_foi")
def foi_answer(request):
    data = request.GET.copy()
    if "by" not in data and data:
        data.setlist("by", ["area"])
    form = FOIForm(data or None, initial={"by": ["area"]})
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        try:
            answer = foi.foi_answer(
                form.cleaned_data["period"],
                by=form.cleaned_data["by"],
                areas=form.cleaned_data["area_filter"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            fmt = request.GET.get("format", "html")
            append(
                "export",
                model="statistics.foi",
                object_repr=f"FOI answer {answer.period}",
                changes={"by": form.cleaned_data["by"], "format": fmt},
            )
            name = f"foi-{answer.period.start}-{answer.period.end}.{fmt}"
            if fmt == "csv":
                return attachment(
                    foi.as_csv(answer).encode("utf-8"), filename=name, content_type=exports.CSV_TYPE
                )
            if fmt == "xlsx":
                return attachment(
                    exports.foi_xlsx(answer), filename=name, content_type=exports.XLSX_TYPE
                )
            if fmt == "pdf":
                return attachment(
                    reports.foi_pdf(answer), filename=name, content_type="application/pdf"
                )
            context["answer"] = answer
            context["query"] = request.GET.urlencode()
    return render(request, "statistics/foi.html", context)


@require("statistics.answer_foi", methods=["GET", "POST"])
def board_report(request):
    form = BoardReportForm.default(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        judgement = reports.default_judgement()
        pdf = reports.board_report_pdf(period, judgement, user=request.user)
        # The judgement is recorded with the report: which figures the rule applied to.
        append(
            "export",
            model="statistics.board_report",
            object_repr=f"Board report {period}",
            changes={"period": str(period), "judgement": judgement.as_dict()},
        )
        response = StreamingHttpResponse(iter([pdf]), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="board-report-{period.start}-{period.end}.pdf"'
        )
        return response
    return render(
        request,
        "statistics/board_report.html",
        {
            "form": form,
            "today": timezone.localdate(),
            "threshold": reports.default_judgement().threshold,
        },
        status=400 if request.method == "POST" else 200,  # a refused form, shown again
    )


# --- FOI requests ---------------------------------------------------------------------------

FOI_SORTS = {
    "reference": "reference",
    "received": ("received_on", "pk"),
    "due": ("due_on", "pk"),
    "status": ("status", "due_on"),
}


@require("statistics.view_foirequest")
def foi_requests(request):
    filterset = FOIRequestFilterSet(request.GET, queryset=selectors.foi_requests())
    context = paginate(request, filterset.qs, sorts=FOI_SORTS, default_sort="due")
    return render(
        request,
        "statistics/foi_requests.html",
        {
            "filterset": filterset,
            "figures": selectors.foi_timeliness(),
            "today": timezone.localdate(),
            **context,
        },
    )


def _refused(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal shown on the form, each message beside its field."""
    names = {"start": "period_start", "end": "period_end", "note": "judgement"}
    for field, errors in exc.message_dict.items():
        name = names.get(field, field)
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


@require("statistics.add_foirequest", methods=["GET", "POST"])
def foi_request_new(request):
    form = FOIRequestForm(request.POST or None, initial={"breakdowns": ["area"]})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.record_request(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"{item.reference} recorded: due {item.due_on:%-d %B %Y}")
            return redirect("statistics:foi_request", item.reference)
    return render(
        request,
        "statistics/foi_request_form.html",
        {"form": form, "cancel_url": reverse("statistics:foi_requests")},
        status=400 if form.errors else 200,
    )


@require("statistics.view_foirequest", hide=True)
def foi_request(request, foi_reference: str):
    item = selectors.foi_request(foi_reference)
    return render(
        request,
        "statistics/foi_request.html",
        {
            "item": item,
            "list_url": reverse("statistics:foi_requests"),
            "breakdowns": [selectors.DIMENSIONS[b].label for b in item.breakdowns],
            "working_days_left": working_days_between(timezone.localdate(), item.due_on),
            "can_answer": item.status == FOIStatus.OPEN
            and request.user.has_perm("statistics.answer_foirequest"),
        },
    )


@require("statistics.answer_foirequest", hide=True, methods=["GET", "POST"])
def foi_request_answer(request, foi_reference: str):
    item = selectors.foi_request(foi_reference)
    back = reverse("statistics:foi_request", args=[foi_reference])
    if item.status != FOIStatus.OPEN:
        messages.error(request, f"{item.reference} has already been answered; it is answered once.")
        return redirect(back)
    form = FOIAnswerForm(request.POST or None)
    try:
        published, judgement = services.published_answer(services.draft_answer(item))
    except ValidationError as exc:
        messages.error(request, f"{item.reference} cannot be answered: {' '.join(exc.messages)}")
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_request(
                item,
                user=request.user,
                judgement_note=form.cleaned_data["judgement"],
                exemptions=form.cleaned_data["chosen_exemptions"],
            )
        except ValidationError as exc:
            if "status" in exc.message_dict:  # answered a moment ago by someone else
                messages.error(request, " ".join(exc.message_dict["status"]))
                return redirect(back)
            _refused(form, exc)
        else:
            messages.success(request, f"{item.reference} answered")
            return redirect(back)
    withheld = len(judgement["withheld"])
    return confirm_step(
        request,
        title=f"Answer {item.reference}?",
        caption=f"Requester's reference {item.requester_reference}",
        what_will_happen=[
            *published["headline"],
            f"{withheld} figure{'s' if withheld != 1 else ''} withheld by the small-number "
            f"rule ({published['footnote']})."
            if withheld
            else "No figure needs withholding under the small-number rule.",
            "The answer is kept with the request as published, with your judgement and the "
            "exemptions applied; it cannot be answered again.",
        ],
        action_url=request.path,
        button="Answer the request",
        cancel_url=back,
        form=form,
        destructive=False,
    )


@require("statistics.view_foirequest", hide=True)
def foi_request_csv(request, foi_reference: str):
    """The answer as kept, with the exemptions applied, as a spreadsheet to send."""
    item = selectors.foi_request(foi_reference)
    if item.status != FOIStatus.ANSWERED:
        return HttpResponse(
            f"{item.reference} has not been answered yet: there is no answer to download.",
            status=409,
            content_type="text/plain",
        )
    rows = list(item.answer.get("rows") or [[item.reference]])
    exemptions = [[Exemption(e.section).label, e.reason] for e in item.exemptions.all()]
    if exemptions:
        rows += [[], ["Exemptions applied", "Reason"], *exemptions]
    append(
        "export",
        model="statistics.foirequest",
        object_repr=f"{item.reference} answer",
        changes={"format": "csv"},
    )
    return csv_attachment(rows[0], rows[1:], filename=f"{item.reference}-answer.csv")
