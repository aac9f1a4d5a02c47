from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from drachma.core.access import require
from drachma.core.downloads import attachment
from drachma.core.feedback import form_errors_text
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.panels import render_panels
from drachma.evidence import documents, selectors, services
from drachma.evidence.bundle import BundleError, BundleTarget, resolve, write_bundle
from drachma.evidence.filtersets import ExhibitFilterSet
from drachma.evidence.forms import (
    CustodyForm,
    DisclosureForm,
    ParseForm,
    UploadForm,
)
from drachma.evidence.models import (
    DisclosureSchedule,
    EvidenceItem,
)
from drachma.evidence.store import get_store
from drachma.evidence.uploads import EvidenceUploadHandler
from drachma.evidence.workflow import CUSTODY, CustodyState
from drachma.incidents.models import Incident

MESSAGES_PER_PAGE = 100


def _item(exhibit_ref: str) -> EvidenceItem:
    try:
        return selectors.item_detail(exhibit_ref)
    except EvidenceItem.DoesNotExist:
        raise Http404("No such exhibit.") from None


def _incident(reference: str) -> Incident:
    return get_object_or_404(Incident, reference=reference)


@require("evidence.view_evidenceitem")
def item_list(request):
    filterset = ExhibitFilterSet(request.GET, queryset=EvidenceItem.objects.none())
    narrowing = filterset.narrowing()
    listing = selectors.items_for(
        request.user, incident=narrowing["incident"], q=narrowing["q"], kind=narrowing["kind"]
    )
    if "refused" in narrowing:
        listing.queryset = listing.queryset.none()
    context = paginate(
        request,
        listing,
        sorts={
            "exhibit": "exhibit_ref",
            "file": "original_filename",
            "kind": "kind",
            "incident": "incident__reference",
            "received": "received_at",
        },
        default_sort="-received",
    )
    return render(request, "evidence/item_list.html", {**context, "filterset": filterset})


@csrf_protect
def _upload(request):
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"incident": request.GET.get("incident", "")},
    )
    problems = getattr(request, "evidence_upload_problems", [])
    if request.method == "POST":
        valid = form.is_valid()
        if problems:
            form.errors.pop("file", None)
            for problem in problems:
                form.add_error("file", problem)
        elif "file" not in request.FILES:
            form.errors.pop("file", None)
            form.add_error(
                "file", "No file arrived, or the upload was cut short. Nothing was stored."
            )
        if valid and form.is_valid():
            data = form.cleaned_data
            try:
                item = services.upload_evidence(
                    data["file"],
                    original_filename=data["file"].name,
                    received_from_type=data["received_from_type"],
                    received_from=data["received_from"],
                    user=request.user,
                    incident=data["incident"],
                    kind=data["kind"],
                    description=data["description"],
                    received_at=data["received_at"],
                    location=data["location"],
                    expected_size=data["expected_size"],
                    expected_sha256=(data["expected_sha256"] or "").strip(),
                    timezone_name=data["timezone"] or None,
                    date_order=data["date_order"],
                    gap_hours=data["gap_hours"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request, f"Exhibit {item.exhibit_ref} received (SHA-256 {item.sha256})."
                )
                return redirect("evidence:detail", exhibit_ref=item.exhibit_ref)
    return render(request, "evidence/upload.html", {"form": form})


@require("evidence.add_evidenceitem", methods=["GET", "POST"])
@csrf_exempt
def item_upload(request):
    # The handler must be in place before anything reads the body, hence the CSRF check after it.
    if request.method == "POST":
        request.upload_handlers.insert(0, EvidenceUploadHandler(request))
    return _upload(request)


@require("evidence.view_evidenceitem", hide=True)
def item_detail(request, exhibit_ref: str):
    item = selectors.item_for(request.user, exhibit_ref)
    events = selectors.custody_events(item)
    state, holder = services.custody_state(item)
    parsed = selectors.parsed_conversation(item)
    return render(
        request,
        "evidence/item_detail.html",
        {
            "item": item,
            "history": [_custody_item(item, event) for event in events],
            "duplicates": selectors.duplicates_of(item),
            "state": CustodyState(state).label,
            "holder": holder,
            "next_kinds": [t.name for t in CUSTODY.allowed(state)],
            "parsed": parsed,
            "custody_form": CustodyForm(initial={"from_party": holder, "verify_hash": True}),
            "parse_form": ParseForm(),
            "disclosure": item.disclosure_entries.all(),
        },
    )


def _custody_item(item: EvidenceItem, event) -> dict:
    """One step of the chain of custody for the timeline, in words."""
    parts = []
    if event.from_party and event.to_party:
        parts.append(f"From {event.from_party} to {event.to_party}.")
    elif event.from_party:
        parts.append(f"From {event.from_party}.")
    elif event.to_party:
        parts.append(f"To {event.to_party}.")
    if event.location:
        parts.append(f"At {event.location}.")
    if event.sha256_verified:
        parts.append(
            "SHA-256 checked: it matches the hash at receipt."
            if event.sha256_verified == item.sha256
            else "SHA-256 checked: IT DOES NOT MATCH the hash at receipt."
        )
    if event.note:
        parts.append(event.note)
    return {
        "label": event.get_transition_display(),
        "by": services.person_name(event.by) or event.by_description or "Drachma",
        "at": event.at,
        "text": " ".join(parts),
    }


@require("evidence.view_evidenceitem", hide=True)
def item_download(request, exhibit_ref: str):
    item = selectors.item_for(request.user, exhibit_ref, fields=["file"])
    if not get_store().exists(item.sha256):
        # Its bytes left the store when it was disposed of (evidence.disposal).
        raise Http404(f"The file of {item.exhibit_ref} is no longer held.")
    response = FileResponse(
        get_store().open(item.sha256),
        as_attachment=True,
        filename=f"{item.exhibit_ref}_{item.original_filename}",
        content_type=item.stored_file.media_type or "application/octet-stream",
    )
    response["X-Content-SHA256"] = item.sha256
    return response


@require("evidence.add_custodyevent", hide=True, methods=["POST"])
def custody_add(request, exhibit_ref: str):
    item = _item(exhibit_ref)
    form = CustodyForm(request.POST)
    if form.is_valid():
        try:
            event = services.record_custody_event(item, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "Not recorded: " + " ".join(exc.messages))
        else:
            messages.success(
                request, f"{event.get_transition_display()} recorded for {item.exhibit_ref}."
            )
    else:
        messages.error(request, "Not recorded: " + form_errors_text(form))
    return redirect("evidence:detail", exhibit_ref=exhibit_ref)


@require("evidence.view_custodyevent", hide=True)
def continuity(request, exhibit_ref: str):
    item = selectors.item_for(request.user, exhibit_ref, fields=["custody"])
    return render(
        request,
        "evidence/continuity.html",
        {**documents.continuity_context(item), "text": documents.continuity_text(item)},
    )


@require("evidence.view_custodyevent", hide=True)
def continuity_pdf(request, exhibit_ref: str):
    item = selectors.item_for(request.user, exhibit_ref, fields=["custody"])
    return attachment(
        documents.continuity_pdf(item, user=request.user),
        filename=f"continuity-{item.exhibit_ref}.pdf",
        content_type="application/pdf",
    )


@require("evidence.view_custodyevent", hide=True)
def continuity_print(request, exhibit_ref: str):
    """The continuity statement for the browser's print: the marking, who printed it and when
    on every page, no buttons (``core/print_base.html``)."""
    item = selectors.item_for(request.user, exhibit_ref, fields=["custody"])
    return HttpResponse(documents.continuity_page(item, user=request.user))


@require("evidence.view_custodyevent", hide=True)
def continuity_text(request, exhibit_ref: str):
    item = selectors.item_for(request.user, exhibit_ref, fields=["custody"])
    return attachment(
        documents.continuity_text(item),
        filename=f"continuity-{item.exhibit_ref}.txt",
        content_type="text/plain; charset=utf-8",
    )


@require("evidence.view_parsedconversation", hide=True)
def conversation(request, exhibit_ref: str):
    read = selectors.conversation_for(request.user, exhibit_ref)
    item, parsed, conv = read.item, read.parsed, read.conversation
    from django.core.paginator import Paginator

    page_obj = Paginator(range(len(conv.messages)), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [conv.message_dict(conv.messages[i], i) for i in page_obj.object_list]
    return render(
        request,
        "evidence/conversation.html",
        {
            "item": item,
            "parsed": parsed,
            "quality": parsed.quality,
            "page_obj": page_obj,
            "rows": rows,
            "querystring_without_page": "",
            # What the apps above add (intake: are the participants already known?).
            "panels": render_panels("conversation_panel", request, parsed),
        },
    )


@require("evidence.add_parsedconversation", hide=True, methods=["POST"])
def conversation_parse(request, exhibit_ref: str):
    item = _item(exhibit_ref)
    form = ParseForm(request.POST)
    if form.is_valid():
        try:
            services.parse_conversation(
                item,
                timezone_name=form.cleaned_data["timezone"] or None,
                date_order=form.cleaned_data["date_order"],
                gap_hours=form.cleaned_data["gap_hours"],
            )
        except ValidationError as exc:
            messages.error(request, "Not read as a chat export: " + " ".join(exc.messages))
        else:
            messages.success(request, f"{item.exhibit_ref} read as a chat export.")
            return redirect("evidence:conversation", exhibit_ref=exhibit_ref)
    else:
        messages.error(request, "Not read: " + form_errors_text(form))
    return redirect("evidence:detail", exhibit_ref=exhibit_ref)


# --- Disclosure -----------------------------------------------------------------------


@require("evidence.view_disclosureentry", hide=True)
def disclosure(request, reference: str):
    incident, entries = selectors.disclosure_for(request.user, reference)
    return render(
        request,
        "evidence/disclosure.html",
        {
            "incident": incident,
            "entries": entries,
            "form": DisclosureForm(incident=incident),
            "schedules": DisclosureSchedule.choices,
        },
    )


@require("evidence.add_disclosureentry", hide=True, methods=["POST"])
def disclosure_add(request, reference: str):
    incident = _incident(reference)
    form = DisclosureForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            entry = services.create_disclosure_entry(
                incident=incident, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, "Not scheduled: " + " ".join(exc.messages))
        else:
            messages.success(request, f"Item {entry.number} added.")
    else:
        messages.error(request, "Not scheduled: " + form_errors_text(form))
    return redirect("evidence:disclosure", reference=reference)


@require("evidence.change_disclosureentry", hide=True, methods=["GET", "POST"])
def disclosure_edit(request, disclosure_id: int):
    entry = selectors.disclosure_entry_for(request.user, disclosure_id)
    initial = {name: getattr(entry, name) for name in services.DISCLOSURE_FIELDS}
    form = DisclosureForm(
        request.POST if request.method == "POST" else None, initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_disclosure_entry(entry, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Item {entry.number} updated.")
            return redirect("evidence:disclosure", reference=entry.incident.reference)
    return render(request, "evidence/disclosure_edit.html", {"entry": entry, "form": form})


@require("evidence.view_disclosureentry", hide=True)
def schedule_pdf(request, reference: str, schedule: str):
    incident = selectors.schedule_for(request.user, reference, schedule)
    schedule = schedule.upper()
    return attachment(
        documents.schedule_pdf(incident, schedule, user=request.user),
        filename=f"{schedule}-{incident.reference}.pdf",
        content_type="application/pdf",
    )


@require("evidence.view_disclosureentry", hide=True)
def schedule_print(request, reference: str, schedule: str):
    """An MG6C or MG6D schedule for the browser's print, on ``core/print_base.html``."""
    incident = selectors.schedule_for(request.user, reference, schedule)
    return HttpResponse(documents.schedule_page(incident, schedule.upper(), user=request.user))


@require("evidence.view_disclosureentry")
def schedules_to_review(request):
    """The disclosure officer's work: incidents whose schedules hold draft entries to review
    (the count on a dashboard links here)."""
    context = paginate(
        request,
        selectors.schedules_awaiting_review(),
        sorts={"reference": "reference", "drafts": "drafts", "occurred": "occurred_at"},
        default_sort="reference",
    )
    return render(request, "evidence/schedules_to_review.html", context)


@require("evidence.view_disclosureentry", hide=True)
def schedule_csv(request, reference: str, schedule: str):
    incident = selectors.schedule_for(request.user, reference, schedule)
    schedule = schedule.upper()
    return attachment(
        documents.schedule_csv(incident, schedule),
        filename=f"{schedule}-{incident.reference}.csv",
        content_type="text/csv; charset=utf-8",
    )


# --- The bundle ------------------------------------------------------------------------------


@require("evidence.export_bundle", hide=True, methods=["POST"])
def bundle(request, reference: str):
    import tempfile
    from pathlib import Path

    incident = _incident(reference)
    folder = tempfile.mkdtemp(prefix="drachma-bundle-")
    try:
        # The case's bundle when one case holds the incident (a higher app's target).
        subject = resolve(incident.reference)
        path = Path(folder) / f"bundle-{subject.reference}.zip"
        write_bundle(subject, path, user=request.user)
    except BundleError as exc:
        Path(folder).rmdir()
        messages.error(request, f"The bundle could not be made: {exc}")
        return redirect("incidents:detail", reference=reference)
    if isinstance(subject, BundleTarget):
        subject.shown(request.user)
    else:
        selectors.bundle_shown(request.user, incident)
    handle = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    path.unlink()  # the open handle keeps the data; nothing stays on disk
    Path(folder).rmdir()
    return FileResponse(
        handle, as_attachment=True, filename=path.name, content_type="application/zip"
    )
