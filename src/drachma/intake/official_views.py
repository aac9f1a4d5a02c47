"""Staff pages for the official channels: entering a referral in, the quarantine (the digital
forensics unit's list, download and grade), marking a file for quarantine at triage, and
onward referrals with their answers. See docs/intake.md, "Referrals in and out"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from drachma.core.access import get_or_404, require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.views import confirm_step
from drachma.evidence.store import get_store
from drachma.intake import official, selectors
from drachma.intake.files import LimitedUploadHandler
from drachma.intake.forms import (
    GradeForm,
    OnwardAnswerForm,
    OnwardReferralForm,
    ReasonForm,
    ReferralInForm,
)
from drachma.intake.models import OnwardReferral, Report, ReportFile

QUARANTINE_SORTS = {"received": "quarantined_at", "grade": "grade", "report": "report__reference"}


def _add_errors(form, exc: ValidationError) -> None:
    errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, texts in errors.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


# --- referrals in ---------------------------------------------------------------------------


def _referral_in(request):
    form = ReferralInForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = official.receive_referral(
                user=request.user,
                reporter_type=data["reporter_type"],
                sender=data["sender"],
                sender_reference=data["sender_reference"],
                concern=data["concern"],
                text=data["text"],
                place=data["place"],
                when_text=data["when_text"],
                links=data["links"],
                handles=data["handles"],
                phones=data["phones"],
                names=data["names"],
                may_be_indecent=data["may_be_indecent"],
                files=request.FILES.getlist("files"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            quarantined = report.files.filter(quarantined=True).count()
            messages.success(
                request,
                f"Referral received as report {report.reference}"
                + (
                    f"; {quarantined} file(s) quarantined for the digital forensics unit"
                    if quarantined
                    else ""
                ),
            )
            return redirect("intake:detail", report_ref=report.reference)
    status = 400 if form.errors else 200
    return render(request, "intake/referral_in.html", {"form": form}, status=status)


@require("intake.receive_referral", methods=["GET", "POST"])
def referral_in(request):
    if request.method == "POST":
        request.upload_handlers.insert(0, LimitedUploadHandler(request))
    return _referral_in(request)


# --- quarantine -----------------------------------------------------------------------------


@require("intake.view_quarantine")
def quarantine_list(request):
    """The unit's list: the files awaiting a grade first. Names and hashes, never the bytes."""
    awaiting = {"awaiting": True, "graded": False}.get(request.GET.get("show", ""))
    queryset = selectors.quarantine_queryset(awaiting=awaiting)
    rows = selectors.quarantine_for(request.user, queryset, query=request.GET.urlencode())
    context = {
        "show": request.GET.get("show", ""),
        **paginate(request, rows, sorts=QUARANTINE_SORTS, default_sort="received"),
    }
    return render(request, "intake/quarantine_list.html", context)


@require("intake.view_quarantine", hide=True)
def quarantine_download(request, file_id: int):
    """The bytes of a quarantined file, only ever as a download (never rendered), recorded."""
    return quarantined_bytes(selectors.quarantined_file_for(request.user, file_id, download=True))


def quarantined_bytes(report_file: ReportFile) -> FileResponse:
    """The response carrying a quarantined file's bytes: an attachment of a type no browser
    renders, sandboxed, never cached (the page and the API share it)."""
    item = report_file.item
    if not get_store().exists(item.sha256):
        raise Http404(f"The file of {item.exhibit_ref} is no longer held.")
    response = FileResponse(
        get_store().open(item.sha256),
        as_attachment=True,
        filename=f"{item.exhibit_ref}_{item.original_filename}",
        # Never a type a browser would render.
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = item.sha256
    return response


@require("intake.grade_reportfile", hide=True, methods=["GET", "POST"])
def quarantine_grade(request, file_id: int):
    report_file = selectors.quarantined_file_for(request.user, file_id)
    form = GradeForm(request.POST or None, initial={"category": report_file.grade or None})
    if request.method == "POST" and form.is_valid():
        try:
            official.grade_file(
                report_file,
                user=request.user,
                category=form.cleaned_data["category"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{report_file.item.exhibit_ref} graded")
            return redirect("intake:quarantine")
    return render(
        request,
        "intake/quarantine_grade.html",
        {"file": report_file, "form": form},
        status=400 if form.errors else 200,
    )


@require("intake.triage_report", hide=True, methods=["GET", "POST"])
def file_quarantine(request, report_ref: str, position: int):
    """Triage marks a file as possibly indecent: asked first, saying what will happen."""
    report = get_or_404(Report, reference=report_ref, what="report")
    report_file = get_or_404(
        ReportFile.objects.select_related("item"), what="file", report=report, position=position
    )
    form = ReasonForm(request.POST or None)
    form.fields["reason"].required = False
    form.fields["reason"].label = "Why (optional)"
    if request.method == "POST" and form.is_valid():
        try:
            official.quarantine_file(
                report_file, user=request.user, note=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{report_file.item.exhibit_ref} quarantined")
            return redirect("intake:detail", report_ref=report_ref)
    return confirm_step(
        request,
        title=f"Quarantine file {report_file.item.exhibit_ref}?",
        what_will_happen=[
            "The file may contain indecent images: it is no longer shown or served anywhere "
            "in Drachma, not even as a download from the evidence pages.",
            "The digital forensics unit lists it for grading under the national categories; "
            "only they can download it.",
            "A quarantine is not lifted in Drachma.",
        ],
        action_url=request.path,
        button="Quarantine the file",
        cancel_url=reverse("intake:detail", args=[report_ref]),
        form=form,
        destructive=True,
    )


# --- onward referrals -----------------------------------------------------------------------


@require("intake.add_onwardreferral", hide=True, methods=["GET", "POST"])
def onward_add(request, report_ref: str):
    report = get_or_404(Report, reference=report_ref, what="report")
    form = OnwardReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            official.record_onward_referral(report, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Onward referral recorded on {report.reference}")
            return redirect("intake:detail", report_ref=report_ref)
    return render(
        request,
        "intake/onward_form.html",
        {"report": report, "form": form},
        status=400 if form.errors else 200,
    )


def _onward(pk: int) -> OnwardReferral:
    return get_or_404(
        OnwardReferral.objects.select_related("report"), what="onward referral", pk=pk
    )


@require("intake.answer_onwardreferral", hide=True, methods=["GET", "POST"])
def onward_answer(request, onward_id: int):
    onward = _onward(onward_id)
    form = OnwardAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            official.answer_onward_referral(
                onward,
                user=request.user,
                answer=form.cleaned_data["answer"],
                answered_at=form.cleaned_data["answered_at"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Answer from {onward.recipient} recorded")
            return redirect("intake:detail", report_ref=onward.report.reference)
    return confirm_step(
        request,
        title=f"Record {onward.recipient}'s answer",
        caption=f"Report {onward.report.reference}",
        what_will_happen=[
            f"The answer is kept with the onward referral, sent {onward.sent_at:%d/%m/%Y}.",
        ],
        action_url=request.path,
        button="Record the answer",
        cancel_url=reverse("intake:detail", args=[onward.report.reference]),
        form=form,
    )


@require("intake.answer_onwardreferral", hide=True, methods=["GET", "POST"])
def onward_withdraw(request, onward_id: int):
    onward = _onward(onward_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            official.withdraw_onward_referral(
                onward, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Onward referral to {onward.recipient} withdrawn")
            return redirect("intake:detail", report_ref=onward.report.reference)
    return confirm_step(
        request,
        title=f"Withdraw the referral to {onward.recipient}?",
        what_will_happen=[
            "The onward referral is recorded as withdrawn, with the reason you give; "
            "nothing is sent to the recipient by Drachma.",
        ],
        action_url=request.path,
        button="Withdraw",
        cancel_url=reverse("intake:detail", args=[onward.report.reference]),
        form=form,
        destructive=True,
    )
