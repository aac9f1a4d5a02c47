"""Staff pages: footage, its captures and matches, takedown requests, the work queue, figures."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from drachma.core import spreadsheets
from drachma.core.access import require
from drachma.core.feedback import flash_form_errors, flash_validation_error, form_errors_text
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.views import confirm_step
from drachma.incidents.models import Incident
from drachma.takedown import documents, selectors, services
from drachma.takedown.filtersets import ContentItemFilterSet
from drachma.takedown.forms import (
    BankForm,
    CaptureForm,
    ContentItemForm,
    FalseMatchForm,
    FiguresForm,
    HashListImportForm,
    NewBankForm,
    NewContentItemForm,
    OpenRequestForm,
    PublicationForm,
    ReviewForm,
    TransitionForm,
)
from drachma.takedown.models import (
    Capture,
    ContentItem,
    ContentMatch,
    MatchBank,
    MatchReview,
    TakedownRequest,
)
from drachma.takedown.workflow import TAKEDOWN


def _item(reference: str) -> ContentItem:
    """The footage a step acts on (the step's own page records no view; it redirects)."""
    try:
        return selectors.item_detail(reference)
    except ContentItem.DoesNotExist:
        raise Http404("No such footage.") from None


def _back(reference: str):
    return redirect("takedown:detail", item_ref=reference)


def _capture_message(request, result) -> None:
    if result.matches:
        refs = ", ".join(sorted({m.matched_item.reference for m in result.matches}))
        text = f"Captured and hashed. It matches earlier footage: {refs}."
        if result.draft:
            text += f" Draft takedown {result.draft.reference} opened for review."
        messages.warning(request, text)
    elif not result.matchable:
        messages.warning(
            request,
            "Captured, but the image or video is too plain (PDQ quality below 50) to be matched.",
        )
    else:
        messages.success(request, "Captured and hashed; it matches no earlier footage.")


@require("takedown.view_contentitem")
def item_list(request):
    queryset = selectors.item_queryset()
    filterset = ContentItemFilterSet(request.GET, queryset=queryset)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    listing = selectors.items_for(request.user, rows, query=request.GET.urlencode())
    context = {
        "filterset": filterset,
        "counts": selectors.queue_counts(),
        **paginate(
            request,
            listing,
            sorts={
                "reference": "reference",
                "platform": "platform",
                "account": "account",
                "group": "group__name",
                "first_seen": "first_seen_at",
                "captures": "capture_count",
                "matches": "match_count",
            },
            default_sort="-first_seen",
        ),
    }
    return render(request, "takedown/item_list.html", context)


@require("takedown.add_contentitem", "takedown.add_capture", methods=["GET", "POST"])
def item_create(request):
    form = NewContentItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            item = services.create_content_item(
                user=request.user, file=upload, **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Footage {item.reference} recorded.")
            if upload is not None:
                result_matches = list(item.matches.all())
                if result_matches:
                    messages.warning(
                        request,
                        "It matches earlier footage: "
                        + ", ".join(sorted({m.matched_item.reference for m in result_matches}))
                        + ". A draft takedown is open for review.",
                    )
            return _back(item.reference)
    return render(request, "takedown/item_form.html", {"form": form, "title": "Record footage"})


@require("takedown.view_contentitem", hide=True)
def item_detail(request, item_ref: str):
    item = selectors.item_for(request.user, item_ref)
    requests = list(item.requests.all())
    live = next((r for r in requests if r.is_open), None)
    # "False match" is offered only for a capture that matched something (or was matched).
    matched_captures = {m.capture_id for m in item.matches.all()} | {
        m.matched_capture_id for m in item.matched_by.all()
    }
    context = {
        "matched_captures": matched_captures,
        "item": item,
        "requests": requests,
        "live": live,
        "transitions": TAKEDOWN.allowed(live.state, request.user) if live else [],
        "history": selectors.earlier_history(item),
        "signal_matches": selectors.signal_matches(item),
        "capture_form": CaptureForm(),
        "transition_form": TransitionForm(),
        "confirmed_steps": CONFIRMED_STEPS,
        "platform_steps": PLATFORM_STEPS,
        "open_form": OpenRequestForm(),
        "false_match_form": FalseMatchForm(),
        "review_form": ReviewForm(),
    }
    return render(request, "takedown/item_detail.html", context)


@require("takedown.change_contentitem", hide=True, methods=["GET", "POST"])
def item_edit(request, item_ref: str):
    item = selectors.item_for(request.user, item_ref)
    form = ContentItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_content_item(
                ContentItem.objects.get(pk=item.pk), user=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{item.reference} saved")
            return _back(item.reference)
    return render(
        request,
        "takedown/item_form.html",
        {"form": form, "title": f"Edit {item.reference}", "item": item},
    )


@require("takedown.add_capture", hide=True, methods=["POST"])
def item_capture(request, item_ref: str):
    item = _item(item_ref)
    form = CaptureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.capture(item, user=request.user, file=form.cleaned_data["file"])
        except ValidationError as exc:
            flash_validation_error(request, exc)
        else:
            _capture_message(request, result)
    else:
        flash_form_errors(request, form)
    return _back(item_ref)


@require("takedown.add_takedownrequest", hide=True, methods=["POST"])
def request_open(request, item_ref: str):
    item = _item(item_ref)
    form = OpenRequestForm(request.POST)
    if form.is_valid():
        try:
            opened = services.open_request(item, user=request.user, note=form.cleaned_data["note"])
            messages.success(request, f"Takedown request {opened.reference} opened.")
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        flash_form_errors(request, form)
    return _back(item_ref)


# What a step does, in words, on its own page. Discarding and closing end the request and
# are reached only through that page; the other steps can also be taken from the footage's
# page in one go.
STEP_WORDS = {
    "discard": [
        "The draft is discarded with the reason you give: this footage is not taken down.",
        "A match that opened it stays on record; a new request can be opened later.",
    ],
    "close": [
        "The request is closed: no more work is asked for and no deadline runs.",
        "Its history stays, and the footage can have a new request opened if it returns.",
    ],
}
CONFIRMED_STEPS = frozenset(STEP_WORDS)
# The steps that may record the platform's reference for the report.
PLATFORM_STEPS = frozenset(
    {"report_to_platform", "platform_pending", "platform_removed", "platform_rejected"}
)


@require("takedown.work_takedownrequest", hide=True, methods=["GET", "POST"])
def request_transition(request, request_ref: str, request_action: str):
    """One step of a takedown request. A GET shows the step's own page (what will happen and
    the note); a POST takes it. The machine checks the step, the state and the role."""
    try:
        takedown = selectors.request_detail(request_ref)
    except TakedownRequest.DoesNotExist:
        raise Http404("No such takedown request.") from None
    try:
        step = TAKEDOWN.transition(request_action)
    except ValidationError:
        raise Http404("No such step.") from None
    item_ref = takedown.content_item.reference
    form = TransitionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.transition_request(
                    takedown,
                    request_action,
                    user=request.user,
                    note=form.cleaned_data["note"],
                    platform_reference=form.cleaned_data["platform_reference"],
                )
            except ValidationError as exc:
                if request_action not in CONFIRMED_STEPS:
                    flash_validation_error(request, exc)
                    return _back(item_ref)
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"{takedown.reference}: {step.done}.")
                return _back(item_ref)
        elif request_action not in CONFIRMED_STEPS:
            flash_form_errors(request, form)
            return _back(item_ref)
    if request_action not in PLATFORM_STEPS:
        form.fields.pop("platform_reference")
    form.fields["note"].label = step.note or "Note (optional)"
    form.fields["note"].required = step.note_required
    return confirm_step(
        request,
        title=f"{step.label}: {takedown.reference}?",
        what_will_happen=STEP_WORDS.get(
            request_action,
            [f"The request moves on to \u201c{TAKEDOWN.state_label(step.target)}\u201d."],
        ),
        action_url=request.path,
        button=step.label,
        cancel_url=reverse("takedown:detail", args=[item_ref]),
        form=form,
        caption=f"Footage {item_ref}",
        destructive=request_action in CONFIRMED_STEPS,
    )


@require("takedown.mark_false_match", hide=True, methods=["POST"])
def capture_false_match(request, capture_id: int):
    capture = Capture.objects.select_related("content_item").filter(pk=capture_id).first()
    if capture is None:
        raise Http404("No such capture.")
    form = FalseMatchForm(request.POST)
    if form.is_valid():
        try:
            ids = services.mark_false_match(
                capture=capture, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                f"{len(ids)} hash{'es' if len(ids) != 1 else ''} marked as a known false match: "
                "they no longer match anything.",
            )
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        flash_form_errors(request, form)
    return _back(capture.content_item.reference)


@require("takedown.review_contentmatch", hide=True, methods=["POST"])
def match_review(request, match_id: int):
    match = (
        ContentMatch.objects.select_related("content_item", "matched_item")
        .filter(pk=match_id)
        .first()
    )
    if match is None:
        raise Http404("No such match.")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_match(match, user=request.user, **form.cleaned_data)
            messages.success(
                request,
                f"{match.content_item.reference}: the match with {match.matched_item.reference} "
                f"recorded as {MatchReview(form.cleaned_data['review']).label.lower()}",
            )
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        flash_form_errors(request, form)
    return _back(match.content_item.reference)


@require("takedown.view_contentitem", hide=True)
def match_compare(request, match_id: int):
    """The capture beside the footage it matches, to decide whether it is a copy: greyscale
    and blurred previews unless the reviewer asks for the images in full (``?full=1``, a
    deliberate click, recorded as a view of the images in full)."""
    full = request.GET.get("full") == "1"
    match = selectors.match_for(request.user, match_id, full=full)
    return render(
        request,
        "takedown/match_compare.html",
        {
            "match": match,
            "full": full,
            "review_form": ReviewForm(),
            "false_match_form": FalseMatchForm(),
        },
    )


@require("takedown.view_contentitem", hide=True)
def capture_image(request, capture_id: int):
    """A captured image: a blurred greyscale preview, or with ``?full=1`` the original."""
    data, content_type = selectors.capture_image_for(
        request.user, capture_id, full=request.GET.get("full") == "1"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require("takedown.view_takedownrequest")
def work_queue(request):
    context = {
        **selectors.queue_for(request.user),
        "counts": selectors.queue_counts(),
        "now": timezone.now(),
    }
    return render(request, "takedown/queue.html", context)


@require("takedown.add_capture", methods=["GET", "POST"])
def match_file_page(request):
    """Look a file up against the bank without keeping it."""
    form = CaptureForm(request.POST or None, request.FILES or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        try:
            with services.hashed_upload(form.cleaned_data["file"]) as media:
                matches = services.match(media)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(request, "takedown/match.html", {"form": form, "matches": matches})


def _figures(request):
    form = FiguresForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, [], None
    data = form.cleaned_data if form.is_bound else {"by": "platform", "start": None, "end": None}
    rows, total = selectors.figures(data["by"], start=data.get("start"), end=data.get("end"))
    return form, rows, total


@require("takedown.view_takedown_figures")
def figures(request):
    form, rows, total = _figures(request)
    by = (
        form.cleaned_data.get("by", "platform") if form.is_bound and form.is_valid() else "platform"
    )
    return render(
        request,
        "takedown/figures.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "by_label": selectors.FIGURE_DIMENSIONS.get(by, "Platform"),
            "query": request.GET.urlencode(),
        },
    )


@require("takedown.view_takedown_figures")
def figures_csv(request):
    form, rows, total = _figures(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    by = form.cleaned_data.get("by", "platform") if form.is_bound else "platform"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="takedown-by-{by}.csv"'
    writer = spreadsheets.writer(response)
    writer.writerow(
        [
            by,
            "requests",
            "removed",
            "removal_rate_percent",
            "removed_by_group",
            "removed_by_platform",
            "median_days_to_removal",
        ]
    )
    for row in [*rows, total] if total else rows:
        writer.writerow(
            [
                row.label,
                row.requests,
                row.removed,
                "" if row.removal_rate is None else row.removal_rate,
                row.removed_by_group,
                row.removed_by_platform,
                "" if row.median_days is None else row.median_days,
            ]
        )
    return response


@require("takedown.view_matchbank")
def bank_list(request):
    return render(
        request,
        "takedown/banks.html",
        {
            "banks": selectors.banks_with_sources(),
            "new_form": NewBankForm(),
            "import_form": HashListImportForm(),
        },
    )


@require("takedown.configure_matchbank", methods=["POST"])
def bank_create(request):
    form = NewBankForm(request.POST)
    if form.is_valid():
        try:
            bank = services.create_bank(user=request.user, **form.cleaned_data)
            messages.success(request, f"Bank {bank.name} made.")
        except ValidationError as exc:
            flash_validation_error(request, exc)
    else:
        flash_form_errors(request, form)
    return redirect("takedown:banks")


@require("takedown.configure_matchbank", methods=["POST"])
def bank_import(request):
    """Take a hash list into a bank of its own: every row checked first, nothing imported from
    a file with a bad row (each named)."""
    form = HashListImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_HASH_LIST_BYTES:
            messages.error(request, f"The file is {upload.size:,} bytes; that is over the limit.")
            return redirect("takedown:banks")
        try:
            record = services.import_hash_list(
                upload.read(),
                user=request.user,
                file_name=upload.name,
                source=form.cleaned_data["source"],
                bank_name=form.cleaned_data["bank_name"],
                format=form.cleaned_data["format"],
            )
        except ValidationError as exc:
            flash_validation_error(request, exc)
        else:
            messages.success(
                request,
                f"{record.signal_count:,} signals from {record.source} imported into "
                f"{record.bank.name}.",
            )
    else:
        flash_form_errors(request, form)
    return redirect("takedown:banks")


@require("takedown.configure_matchbank", hide=True)
def bank_export(request, bank_id: int):
    """The bank as a hash list to download, in the format asked for (HMA's by default)."""
    bank = get_object_or_404(MatchBank, pk=bank_id)
    fmt = request.GET.get("format", "hma")
    try:
        data = services.export_hash_list(bank, user=request.user, format=fmt)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    extension = {"hma": "json", "te_file": "txt"}.get(fmt, "csv")
    content_type = {"json": "application/json", "txt": "text/plain"}.get(extension, "text/csv")
    response = HttpResponse(data, content_type=f"{content_type}; charset=utf-8")
    safe = "".join(c if c.isalnum() else "-" for c in bank.name).strip("-") or "bank"
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}.{extension}"'
    return response


@require("takedown.configure_matchbank", hide=True, methods=["GET", "POST"])
def bank_edit(request, bank_id: int):
    bank = MatchBank.objects.filter(pk=bank_id).first()
    if bank is None:
        raise Http404("No such bank.")
    form = BankForm(request.POST or None, instance=MatchBank.objects.get(pk=bank_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.configure_bank(bank, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Bank {bank.name}: the matching rule is saved.")
            return redirect("takedown:banks")
    return render(request, "takedown/bank_form.html", {"form": form, "bank": bank})


# --- Publication log ---------------------------------------------------------------------


@require("takedown.view_publicationrecord", hide=True)
def publications(request, reference: str):
    incident, _records = selectors.publications_for(request.user, reference)
    return render(
        request,
        "takedown/publications.html",
        {
            **documents.publication_context(incident),
            "form": PublicationForm(incident=incident),
        },
    )


@require("takedown.add_publicationrecord", hide=True, methods=["POST"])
def publication_add(request, reference: str):
    incident = get_object_or_404(Incident, reference=reference)
    form = PublicationForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.record_publication(incident=incident, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "Not recorded: " + " ".join(exc.messages))
        else:
            messages.success(request, f"Publication recorded on {reference}")
    else:
        messages.error(request, "Not recorded: " + form_errors_text(form))
    return redirect("takedown:publications", reference=reference)


@require("takedown.change_publicationrecord", hide=True, methods=["GET", "POST"])
def publication_edit(request, publication_id: int):
    record = selectors.publication_for(request.user, publication_id)
    initial = {name: getattr(record, name) for name in services.PUBLICATION_FIELDS}
    initial["item"] = record.item.exhibit_ref if record.item else None
    form = PublicationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        incident=record.incident,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("found_at") is None:
            data.pop("found_at")
        try:
            services.update_publication(record, user=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Publication on {record.incident.reference} updated")
            return redirect("takedown:publications", reference=record.incident.reference)
    return render(request, "takedown/publication_edit.html", {"record": record, "form": form})
