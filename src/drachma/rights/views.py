"""The rights register's pages: the list, a request with what the search found and the
decision on each record, and the steps (search, extend, decide, apply, answer, refuse) and
the response pack."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from drachma.core.access import require
from drachma.core.feedback import submit_form
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.views import confirm_step
from drachma.rights import selectors, services
from drachma.rights.filtersets import RightsRequestFilterSet
from drachma.rights.forms import (
    AnswerForm,
    DecisionForm,
    ExtendForm,
    ReasonForm,
    RectifyForm,
    RightsRequestForm,
)
from drachma.rights.models import Decision, Right, RightsState
from drachma.rights.workflow import RIGHTS

SORTS = {
    "reference": "reference",
    "received": ("received_on", "pk"),
    "due": ("due_on", "pk"),
    "state": ("state", "due_on"),
}


@require("rights.view_rightsrequest")
def request_list(request):
    filterset = RightsRequestFilterSet(request.GET, queryset=selectors.requests())
    context = paginate(request, filterset.qs, sorts=SORTS, default_sort="-received")
    selectors.shown_list(request.user, list(context["page_obj"]))
    return render(
        request,
        "rights/request_list.html",
        {"filterset": filterset, "counts": selectors.counts(), **context},
    )


@require("rights.add_rightsrequest", methods=["GET", "POST"])
def request_new(request):
    form = RightsRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.register_request(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{item.reference} registered: due {item.due_on:%-d %B %Y}")
            return redirect("rights:detail", item.reference)
    return render(
        request,
        "rights/request_form.html",
        {"form": form, "cancel_url": reverse("rights:list")},
        status=400 if form.errors else 200,
    )


@require("rights.view_rightsrequest", hide=True)
def request_detail(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    items = list(item.items.select_related("decided_by"))
    handle = request.user.has_perm("rights.handle_rightsrequest")
    steps = {t.name for t in RIGHTS.allowed(item.state, request.user)}
    return render(
        request,
        "rights/request_detail.html",
        {
            "item": item,
            "items": items,
            "list_url": reverse("rights:list"),
            "can": steps if handle else set(),
            "deciding": handle and item.state == RightsState.DECIDING,
            "applies": item.right != Right.ACCESS,
            "pack_ready": item.state in (RightsState.DECIDING, RightsState.ANSWERED),
            "pending": sum(1 for i in items if i.decision == Decision.PENDING),
            "today": timezone.localdate(),
        },
    )


def _back(reference: str) -> str:
    return reverse("rights:detail", args=[reference])


@require("rights.handle_rightsrequest", hide=True, methods=["POST"])
def request_search(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    submit_form(
        request,
        forms.Form(request.POST),
        lambda _data: services.run_search(item, user=request.user),
        lambda added: (
            f"{item.reference} searched: {len(added)} new record"
            f"{'s' if len(added) != 1 else ''} found"
        ),
    )
    return redirect(_back(rights_reference))


@require("rights.handle_rightsrequest", hide=True, methods=["POST"])
def request_finish(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    submit_form(
        request,
        forms.Form(request.POST),
        lambda _data: services.finish_search(item, user=request.user),
        f"{item.reference}: search finished, ready for decisions",
    )
    return redirect(_back(rights_reference))


def _step(request, form, action, *, success: str, back: str):
    """Run a confirmed step; the service's refusal is shown on the form, beside its field."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(back)
    return None


@require("rights.handle_rightsrequest", hide=True, methods=["GET", "POST"])
def request_extend(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    back = _back(rights_reference)
    form = ExtendForm(request.POST or None)
    done = _step(
        request,
        form,
        lambda d: services.extend(item, user=request.user, ground=d["ground"], reason=d["reason"]),
        success=f"{item.reference} extended",
        back=back,
    )
    if done:
        return done
    return confirm_step(
        request,
        title=f"Extend the deadline of {item.reference}?",
        what_will_happen=[
            f"The deadline moves from {item.due_on:%-d %B %Y} by two further months "
            "(s.54(3A) of the Data Protection Act 2018).",
            "The Act allows it once, before the first month ends, for complex or numerous "
            "requests; the requester must be told, with the reasons.",
        ],
        action_url=request.path,
        button="Extend the deadline",
        cancel_url=back,
        form=form,
        destructive=False,
    )


@require("rights.handle_rightsrequest", hide=True, methods=["GET", "POST"])
def item_decide(request, rights_reference: str, item_id: int):
    item = selectors.request_for(request.user, rights_reference)
    found = selectors.item_for(item, item_id)
    back = _back(rights_reference)
    form = DecisionForm(
        request.POST or None,
        initial={"decision": found.decision if found.decision != Decision.PENDING else None},
    )
    done = _step(
        request,
        form,
        lambda d: services.decide(
            found,
            user=request.user,
            decision=d["decision"],
            ground=d["ground"],
            reason=d["reason"],
        ),
        success=f"{found.kind} {found.summary[:60]}: decided",
        back=back,
    )
    if done:
        return done
    return render(
        request,
        "rights/item_decide.html",
        {
            "item": item,
            "found": found,
            "rows": services.data_rows(found.data),
            "form": form,
            "cancel_url": back,
        },
        status=400 if form.errors else 200,
    )


@require("rights.handle_rightsrequest", hide=True, methods=["GET", "POST"])
def item_apply(request, rights_reference: str, item_id: int):
    """Rectify, erase or restrict the record, as the request asks."""
    item = selectors.request_for(request.user, rights_reference)
    found = selectors.item_for(item, item_id)
    back = _back(rights_reference)
    form: forms.Form
    if item.right == Right.RECTIFICATION:
        form = RectifyForm(request.POST or None)
        title, button = f"Rectify {found.summary[:60]}?", "Correct the record"
        lines = ["The field is corrected through the people services; the change is audited."]

        def action(d):
            return services.rectify(found, user=request.user, field=d["field"], value=d["value"])
    elif item.right == Right.ERASURE:
        form = ReasonForm(request.POST or None)
        title, button = f"Erase {found.summary[:60]}?", "Erase the record"
        lines = [
            "The record is deleted through its app's service; the deletion is audited.",
            "A record linked to a live case is under a legal hold and cannot be erased.",
        ]

        def action(d):
            return services.erase(found, user=request.user)
    else:
        form = ReasonForm(request.POST or None)
        title, button = f"Restrict {found.summary[:60]}?", "Restrict processing"
        lines = [
            "The record is held but not used: pages show a restricted banner to everyone but "
            "the rights handler and the auditor, and exports leave it out (docs/rights.md)."
        ]

        def action(d):
            return services.restrict(found, user=request.user, reason=d["reason"])

    done = _step(request, form, action, success=f"{found.kind}: done", back=back)
    if done:
        return done
    return confirm_step(
        request,
        title=title,
        caption=item.reference,
        what_will_happen=lines,
        action_url=request.path,
        button=button,
        cancel_url=back,
        form=form,
    )


@require("rights.handle_rightsrequest", hide=True, methods=["GET", "POST"])
def request_answer(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    back = _back(rights_reference)
    form = AnswerForm(request.POST or None)
    done = _step(
        request,
        form,
        lambda d: services.answer(item, user=request.user, note=d["note"]),
        success=f"{item.reference} answered",
        back=back,
    )
    if done:
        return done
    return confirm_step(
        request,
        title=f"Answer {item.reference}?",
        what_will_happen=[
            "The request is closed as answered; send the response pack to the requester.",
            "Every record must have its decision first.",
        ],
        action_url=request.path,
        button="Answer the request",
        cancel_url=back,
        form=form,
        destructive=False,
    )


@require("rights.handle_rightsrequest", hide=True, methods=["GET", "POST"])
def request_refuse(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    back = _back(rights_reference)
    form = ReasonForm(request.POST or None)
    done = _step(
        request,
        form,
        lambda d: services.refuse(item, user=request.user, reason=d["reason"]),
        success=f"{item.reference} refused",
        back=back,
    )
    if done:
        return done
    return confirm_step(
        request,
        title=f"Refuse {item.reference}?",
        what_will_happen=[
            "The request is closed as refused.",
            "The requester is told why, and of their right to complain to the Information "
            "Commissioner (s.45(5), s.48).",
        ],
        action_url=request.path,
        button="Refuse the request",
        cancel_url=back,
        form=form,
    )


def _pack_or_409(item) -> HttpResponse | None:
    if item.state not in (RightsState.DECIDING, RightsState.ANSWERED):
        return HttpResponse(
            f"{item.reference} has no response pack yet: the search must be finished first.",
            status=409,
            content_type="text/plain",
        )
    return None


@require("rights.handle_rightsrequest", hide=True)
def pack_json(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    refused = _pack_or_409(item)
    if refused:
        return refused
    response = HttpResponse(
        services.pack_json(item, user=request.user), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{item.reference}-response.json"'
    return response


@require("rights.handle_rightsrequest", hide=True)
def pack_pdf(request, rights_reference: str):
    item = selectors.request_for(request.user, rights_reference)
    refused = _pack_or_409(item)
    if refused:
        return refused
    response = HttpResponse(
        services.pack_pdf(item, user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{item.reference}-response.pdf"'
    return response
