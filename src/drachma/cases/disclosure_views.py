"""A case's disclosure pages: the overview (material, schedules, MG6E candidates, third-party
requests, the DMD), forms for each, a schedule with its versions and history, certification
through a confirmation step, and the documents (PDF and CSV)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from drachma.cases import disclosure, documents, schedules, selectors
from drachma.cases.disclosure_forms import (
    AnswerForm,
    CandidateForm,
    CertifyForm,
    DmdForm,
    MaterialForm,
    RequestForm,
)
from drachma.cases.models import Case, Schedule
from drachma.cases.workflow import SCHEDULE
from drachma.core.access import require
from drachma.core.downloads import attachment, csv_attachment
from drachma.core.forms import apply_validation_error
from drachma.core.views import confirm_step


def _url(case: Case) -> str:
    return reverse("cases:disclosure", kwargs={"urn": case.urn})


def _form_page(request, form, *, case, title, button="Save", intro=""):
    return render(
        request,
        "cases/disclosure/form.html",
        {
            "form": form,
            "case": case,
            "title": title,
            "button": button,
            "intro": intro,
            "cancel_url": _url(case),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require("cases.view_case", hide=True)
def overview(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    return render(
        request,
        "cases/disclosure/overview.html",
        {"case": case, **disclosure.overview(case)},
    )


@require("cases.manage_disclosure", hide=True, methods=["GET", "POST"])
def material_add(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    form = MaterialForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            material = disclosure.add_material(case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Item {material.number} recorded on {case.urn}")
            return redirect(_url(case))
    return _form_page(request, form, case=case, title=f"Record material on {case.urn}")


@require("cases.manage_disclosure", hide=True, methods=["GET", "POST"])
def material_edit(request: HttpRequest, material_id: int) -> HttpResponse:
    material = disclosure.material_for(request.user, material_id)
    case = material.case
    form = MaterialForm(request.POST or None, instance=material, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure.update_material(material, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Item {material.number} on {case.urn} updated")
            return redirect(_url(case))
    return _form_page(
        request,
        form,
        case=case,
        title=f"Item {material.number} on {case.urn}",
        intro="A change to material on a certified schedule drafts a revised version of it.",
    )


@require("cases.view_case", hide=True)
def schedule_detail(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = disclosure.schedule_for(request.user, schedule_id)
    versions = Schedule.objects.filter(
        case=schedule.case, kind=schedule.kind, defendant=schedule.defendant
    ).order_by("-version")
    return render(
        request,
        "cases/disclosure/schedule.html",
        {
            "case": schedule.case,
            "schedule": schedule,
            "versions": versions,
            "events": schedule.events.select_related("by"),
            **documents.schedule_context(schedule),
        },
    )


@require("cases.view_case", hide=True)
def schedule_pdf(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = disclosure.schedule_for(request.user, schedule_id)
    return attachment(
        documents.schedule_pdf(schedule, user=request.user),
        filename=documents.filename(schedule, "pdf"),
        content_type="application/pdf",
    )


@require("cases.view_case", hide=True)
def schedule_csv(request: HttpRequest, schedule_id: int) -> StreamingHttpResponse:
    schedule = disclosure.schedule_for(request.user, schedule_id)
    header, rows = documents.schedule_table(schedule)
    return csv_attachment(header, rows, filename=documents.filename(schedule, "csv"))


@require("cases.certify_schedule", hide=True, methods=["GET", "POST"])
def schedule_certify(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = disclosure.schedule_for(request.user, schedule_id)
    case = schedule.case
    back = reverse("cases:schedule", args=[schedule.pk])
    form = CertifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure.certify(schedule, user=request.user, role=form.cleaned_data["role"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, f"{schedule.kind} version {schedule.version} of {case.urn} certified"
            )
            return redirect(back)
    left = schedules.undecided(schedule) if schedule.is_draft else []
    what = [
        f"The {schedule.kind} for {schedule.scope_label}, version {schedule.version}, is "
        "certified in your name, with your role and today's date.",
        "Its rows are frozen as they stand; DRAFT is no longer printed on it.",
        "If the material changes afterwards, a revised version is drafted and this one kept.",
    ]
    if left:
        what.append(f"It cannot be certified yet: {len(left)} row(s) are still undecided.")
    return confirm_step(
        request,
        title=f"Certify the {schedule.kind} of {case.urn}?",
        what_will_happen=what,
        action_url=request.path,
        button=SCHEDULE.transition("certify").label,
        cancel_url=back,
        form=form,
        caption=case.title,
        destructive=False,
    )


@require("cases.manage_disclosure", hide=True, methods=["POST"])
def candidates_offer(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    made = disclosure.offer_candidates(case, user=request.user)
    messages.success(
        request,
        f"{len(made)} new MG6E candidate(s) from the quality reports"
        if made
        else "No new findings in the quality reports",
    )
    return redirect(_url(case))


@require("cases.manage_disclosure", hide=True, methods=["GET", "POST"])
def candidate_decide(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = disclosure.candidate_for(request.user, candidate_id)
    case = candidate.case
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            disclosure.decide_candidate(
                candidate,
                user=request.user,
                accept={"accept": True, "decline": False}.get(decision),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if "accept" in exc.message_dict:
                exc = ValidationError({"decision": exc.message_dict["accept"]})
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"MG6E candidate in {candidate.item.exhibit_ref} decided")
            return redirect(_url(case))
    return _form_page(
        request,
        form,
        case=case,
        title=f"{candidate.get_kind_display()} in {candidate.item.exhibit_ref}",
        intro=candidate.finding,
        button="Record the decision",
    )


@require("cases.manage_disclosure", hide=True, methods=["GET", "POST"])
def request_add(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = disclosure.add_request(case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Request {made.reference} recorded on {case.urn}")
            return redirect(_url(case))
    return _form_page(
        request,
        form,
        case=case,
        title=f"Record a request for third-party material on {case.urn}",
        intro="Drachma records the request; it sends nothing. A request to a group is made by "
        "the officer, and a platform is asked through its legal route.",
    )


@require("cases.manage_disclosure", hide=True, methods=["GET", "POST"])
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    tp = disclosure.request_for(request.user, request_id)
    case = tp.case
    initial = {
        "answered_on": tp.answered_on,
        "answer_kind": tp.answer_kind,
        "answer": tp.answer,
        "refusal_reason": tp.refusal_reason,
        "received": list(tp.received.all()),
    }
    form = AnswerForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure.answer_request(tp, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Answer to {tp.reference} recorded")
            return redirect(_url(case))
    return _form_page(request, form, case=case, title=f"The answer to {tp.reference} ({tp.holder})")


@require("cases.manage_disclosure", hide=True, methods=["GET", "POST"])
def dmd_edit(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    form = DmdForm(request.POST or None, instance=disclosure.dmd_of(case))
    if request.method == "POST" and form.is_valid():
        try:
            disclosure.save_dmd(case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Disclosure Management Document of {case.urn} saved")
            return redirect(_url(case))
    return _form_page(
        request,
        form,
        case=case,
        title=f"Disclosure Management Document of {case.urn}",
        intro="Under the headings of the Attorney General's Guidelines on Disclosure (2024), "
        "Annex C. Third-party requests are listed from the register.",
    )


@require("cases.view_case", hide=True)
def dmd_pdf(request: HttpRequest, urn: str) -> HttpResponse:
    case = selectors.case_for(request.user, urn)
    return attachment(
        documents.dmd_pdf(case, user=request.user),
        filename=f"{case.urn}-DMD.pdf",
        content_type="application/pdf",
    )


@require("evidence.export_bundle", hide=True, methods=["POST"])
def bundle(request: HttpRequest, urn: str) -> HttpResponse | StreamingHttpResponse:
    """The prosecutor's bundle of the case, as a ZIP (``cases.bundle``)."""
    import tempfile
    from pathlib import Path

    from django.http import FileResponse

    from drachma.cases import bundle as case_bundle
    from drachma.evidence.bundle import BundleError, write_bundle

    case = selectors.case_for(request.user, urn)
    folder = Path(tempfile.mkdtemp(prefix="drachma-bundle-"))
    path = folder / f"bundle-{case.urn}.zip"
    target = case_bundle.target(case)
    try:
        write_bundle(target, path, user=request.user)
    except BundleError as exc:
        folder.rmdir()
        messages.error(request, f"The bundle could not be made: {exc}")
        return redirect(_url(case))
    target.shown(request.user)
    handle = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    path.unlink()  # the open handle keeps the data; nothing stays on disk
    folder.rmdir()
    return FileResponse(
        handle, as_attachment=True, filename=path.name, content_type="application/zip"
    )
