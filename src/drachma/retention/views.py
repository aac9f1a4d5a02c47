import datetime

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone

from drachma.core.access import require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import choose_sort, paginate
from drachma.core.views import confirm_step
from drachma.retention import selectors, services
from drachma.retention.filtersets import DecisionFilterSet, DueFilterSet, record_types
from drachma.retention.forms import ReviewForm
from drachma.retention.models import RetentionDecision, ReviewOutcome

# The due list's orders: each key sorts the records due (from several tables) in Python.
DUE_SORTS = {
    "review": lambda d: (d.record.review_date, d.kind, d.record.pk),
    "type": lambda d: (d.label, d.record.review_date, d.record.pk),
    "record": lambda d: (str(d.record).lower(), d.record.pk),
    "mopi": lambda d: (d.record.mopi_group, d.record.review_date, d.record.pk),
}


@require("retention.review_records")
def due_list(request):
    filterset = DueFilterSet(request.GET)
    horizon = filterset.horizon()
    on = timezone.localdate() + datetime.timedelta(days=horizon)
    due = selectors.due_for_review(on, kind=filterset.chosen_kind())
    sort = choose_sort(request, dict.fromkeys(DUE_SORTS, ""), "review")
    due.sort(key=DUE_SORTS[sort.key], reverse=sort.descending)
    page_obj = Paginator(due, 50).get_page(request.GET.get("page"))
    # Only the records this page names are recorded as seen.
    page_obj.object_list = selectors.shown_due(request.user, list(page_obj.object_list), on)
    params = request.GET.copy()
    params.pop("page", None)
    kinds = dict(record_types())
    return render(
        request,
        "retention/due_list.html",
        {
            "filterset": filterset,
            "page_obj": page_obj,
            "sort": sort,
            "querystring_without_page": params.urlencode(),
            "days": horizon,
            "on": on,
            "today": timezone.localdate(),
            "counts": [
                {"label": label, "count": count, "kind": kind}
                for (kind, label), count in zip(
                    kinds.items(), selectors.counts_due(on).values(), strict=True
                )
            ],
        },
    )


class DisposalForm(forms.Form):
    """The review form's answers carried, unseen, to the confirmation before disposal."""

    outcome = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    confirmed = forms.CharField(widget=forms.HiddenInput, initial="yes")


def _what_disposal_does(model_name: str, record) -> list[str]:
    return [
        f"The {model_name} {record} is deleted from Drachma. It cannot be recovered.",
        "Your decision and its reason are kept in the review decisions and the audit log.",
        "If other records depend on it, nothing is deleted and you are told which they are.",
    ]


@require("retention.review_records", hide=True, methods=["GET", "POST"])
def review(request, kind: str, record_id: str):
    if request.method == "POST":
        record = selectors.reviewable_record(kind, record_id)
    else:
        record = selectors.record_for_review(request.user, kind, record_id)
    model_name = str(apps.get_model(kind)._meta.verbose_name)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Disposal deletes the record: the form's answers come back to a page saying so, and
        # only that page's button (which sends "confirmed") disposes.
        if data["outcome"] == ReviewOutcome.DISPOSE and request.POST.get("confirmed") != "yes":
            return confirm_step(
                request,
                title=f"Dispose of {record}?",
                caption=f"Review of a {model_name}",
                what_will_happen=_what_disposal_does(model_name, record),
                action_url=request.path,
                button=f"Dispose of the {model_name}",
                cancel_url=request.path,
                form=DisposalForm(initial={"outcome": data["outcome"], "reason": data["reason"]}),
            )
        try:
            services.review_record(record, user=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if data["outcome"] == ReviewOutcome.DISPOSE:
                messages.success(request, f"{model_name.capitalize()} {record} disposed of")
            else:
                until = dateformat.format(data["next_review_date"], "j F Y")
                messages.success(
                    request, f"{model_name.capitalize()} {record} retained until {until}"
                )
            return redirect("retention:due")
    history = selectors.history_of(kind, record)
    return render(
        request,
        "retention/review.html",
        {
            "record": record,
            "kind": kind,
            "form": form,
            "history": [
                {
                    "label": h.get_outcome_display(),
                    "by": h.decided_by.get_full_name() or h.decided_by.get_username(),
                    "at": h.decided_at,
                    "text": h.reason,
                }
                for h in history
            ],
            "model_name": model_name,
            "due_url": reverse("retention:due"),
        },
    )


@require("retention.view_retentiondecision")
def decisions(request):
    filterset = DecisionFilterSet(
        request.GET,
        queryset=RetentionDecision.objects.select_related("decided_by", "content_type"),
    )
    rows = filterset.qs if filterset.is_valid() else RetentionDecision.objects.none()
    context = paginate(
        request,
        rows,
        sorts={
            "when": "decided_at",
            "type": ("content_type__model", "record_repr"),
            "record": "record_repr",
            "outcome": "outcome",
            "next_review": "next_review_date",
        },
        default_sort="-when",
    )
    return render(request, "retention/decisions.html", {"filterset": filterset, **context})
