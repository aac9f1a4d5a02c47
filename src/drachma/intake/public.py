"""The public reporting page: one door in, and nothing out.

Anyone may send a report; the answer is a receipt (the reference and each file's SHA-256),
rendered once in the response to the POST and never again: there is no URL that shows a
report, its status or what the police did. The form is CSRF-protected like every other.

Uploads pass ``LimitedUploadHandler`` first, which skips oversize files while they arrive;
it must be installed before the body is read, hence the csrf_exempt outer view that installs
it and the csrf_protect inner view that does the work (Django's documented pattern).
"""

import logging

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_ratelimit.core import get_usage

from drachma.audit.context import acting_as, client_ip
from drachma.core.access import public
from drachma.core.templatetags.drachma import error_items, when
from drachma.intake import conf, services
from drachma.intake.files import LimitedUploadHandler, accepted_extensions, human, upload_tally
from drachma.intake.forms import ReportForm

logger = logging.getLogger("drachma.intake")
AUDIT_LABEL = "public reporting page"


def _page(request, form, *, status: int = 200, refusal: str = "") -> HttpResponse:
    form.fields["files"].widget.attrs["accept"] = ",".join(f".{e}" for e in accepted_extensions())
    form.fields["files"].help_text = (
        f"Up to {conf.max_files()} files, each at most {human(conf.max_file_bytes())}, "
        f"{human(conf.max_total_bytes())} in all. Accepted: {', '.join(accepted_extensions())}. "
        "Your receipt shows each file's fingerprint, so that you can check later that the police "
        "hold exactly the files you sent."
    )
    context = {
        "form": form,
        "refusal": refusal,
        "errors": error_items(form) if form.is_bound else [],
        "honeypot_name": conf.honeypot_field(),
    }
    return _no_store(render(request, "intake/report_page.html", context, status=status))


def _no_store(response: HttpResponse) -> HttpResponse:
    # Nothing on these pages may be kept by a browser or proxy: the receipt is shown once.
    response["Cache-Control"] = "no-store"
    return response


def _too_many_attempts(request, submitter_hash: str) -> str:
    limit, seconds = conf.parse_rate(conf.attempt_limit())
    usage = get_usage(
        request,
        group="intake.report_page",
        key=lambda group, req: submitter_hash or "unknown",
        rate=(limit, seconds),
        method="POST",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return ""
    minutes = max(1, usage["time_left"] // 60 + 1) if usage["time_left"] > 0 else 60
    return (
        f"Too many attempts have been made from your connection (at most {limit} in "
        f"{services._period(seconds)}). Nothing was stored. Please try again in about {minutes} "
        "minutes, or call 101 (999 in an emergency)."
    )


def _correct(request) -> str:
    files = (
        " Your browser has forgotten the files you chose: choose them again."
        if request.FILES
        else ""
    )
    return "Nothing was sent: please correct what is marked below." + files


def _submit(request) -> HttpResponse:
    submitter_hash = services.hash_address(client_ip(request))
    form = ReportForm(request.POST)
    refusal = _too_many_attempts(request, submitter_hash)
    if refusal:
        logger.warning("Reporting page: attempts limit reached")
        return _page(request, form, status=429, refusal=refusal)
    if request.POST.get(conf.honeypot_field(), "").strip():
        logger.warning("Reporting page: honeypot field filled")
        fresh = ReportForm(initial={"form_token": services.new_form_token()})
        return _page(
            request,
            fresh,
            status=400,
            refusal=(
                "Your report was refused because a field that people cannot see was filled in, "
                "which only automated programs do. Nothing was stored. If you are a person, "
                "reload the page and try again."
            ),
        )
    if not form.is_valid():
        return _page(request, form, status=400, refusal=_correct(request))
    data = form.cleaned_data
    tally = upload_tally(request)
    try:
        # Audit entries name the page, not the reporter's address: the address is kept only
        # as a keyed hash, for rate limits.
        with acting_as(label=AUDIT_LABEL):
            report = services.submit_report(
                reporter_type=data["reporter_type"],
                concern=data["concern"],
                text=data["text"],
                place=data["place"],
                when_text=data["when_text"],
                links=data["links"],
                handles=data["handles"],
                phones=data["phones"],
                names=data["names"],
                planned_at=data["planned_at"],
                reporter_name=data["reporter_name"],
                reporter_organisation=data["reporter_organisation"],
                reporter_email=data["reporter_email"],
                reporter_phone=data["reporter_phone"],
                files=request.FILES.getlist("files"),
                submitter_hash=submitter_hash,
                form_token=data["form_token"],
                earlier_file_problems=tally.problems if tally else [],
                attempted_files=tally.count if tally else None,
            )
    except services.RateLimited as exc:
        return _page(request, form, status=429, refusal=str(exc))
    except ValidationError as exc:
        errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, messages in errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return _page(request, form, status=400, refusal=_correct(request))
    # Each file with its size in words ("200 MB"), for the receipt.
    files = [
        (f.item, human(f.item.stored_file.size))
        for f in report.files.select_related("item__stored_file")
    ]
    context = {
        "report": report,
        "files": files,
        "download": receipt_text(report, [item for item, _ in files]),
        "base_template": "intake/public_base.html",
        "title": "Your report has been received",
        "body": "Your reference",
        "reference": report.reference,
    }
    return _no_store(render(request, "intake/receipt.html", context))


def receipt_text(report, files) -> str:
    """The receipt as a text file the reporter can keep (the download button): the reference,
    when it arrived, and each file with its size and fingerprint, nothing else."""
    lines = [
        "Report received",
        f"Reference: {report.reference}",
        f"Received: {when(report.submitted_at)} (UK time)",
        "",
    ]
    if files:
        lines.append("Files received, each with its fingerprint (SHA-256) as it arrived:")
        for item in files:
            lines += [
                f"- {item.original_filename} ({human(item.stored_file.size)})",
                f"  SHA-256: {item.stored_file.sha256}",
            ]
    else:
        lines.append("No files were sent with this report.")
    lines += [
        "",
        "Quote the reference if you contact the police about this report (101, or 999 in an "
        "emergency).",
    ]
    return "\n".join(lines) + "\n"


@csrf_protect
def _report_page(request) -> HttpResponse:
    if request.method == "POST":
        return _submit(request)
    if request.method not in ("GET", "HEAD"):
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET", "POST"])
    return _page(request, ReportForm(initial={"form_token": services.new_form_token()}))


@csrf_exempt
def report_page(request) -> HttpResponse:
    if request.method == "POST":
        request.upload_handlers.insert(0, LimitedUploadHandler(request))
    return _report_page(request)


report_page = public(report_page, methods=["GET", "POST"])
