import datetime

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from drachma.core.access import require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.retention import selectors, services
from drachma.retention.forms import ReviewForm
from drachma.retention.models import RetentionDecision


@require("retention.review_records")
def due_list(request):
    try:
        horizon = int(request.GET.get("days", 30))
    except ValueError:
        horizon = 30
    horizon = max(0, min(horizon, 3650))
    on = timezone.localdate() + datetime.timedelta(days=horizon)
    kind = request.GET.get("kind") or None
    due = selectors.due_for(request.user, on, kind=kind)
    return render(
        request,
        "retention/due_list.html",
        {
            "due": due,
            "days": horizon,
            "kind": kind,
            "today": timezone.localdate(),
            "kinds": [
                (m._meta.label_lower, m._meta.verbose_name_plural)
                for m in selectors.reviewable_models()
            ],
            "counts": selectors.counts_due(on),
        },
    )


@require("retention.review_records", hide=True, methods=["GET", "POST"])
def review(request, kind: str, record_id: str):
    if request.method == "POST":
        record = selectors.reviewable_record(kind, record_id)
    else:
        record = selectors.record_for_review(request.user, kind, record_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(record, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Review recorded.")
            return redirect("retention:due")
    history = RetentionDecision.objects.filter(
        content_type__app_label=kind.split(".")[0],
        content_type__model=kind.split(".")[1],
        object_id=str(record.pk),
    )
    return render(
        request,
        "retention/review.html",
        {
            "record": record,
            "kind": kind,
            "form": form,
            "history": history,
            "model_name": apps.get_model(kind)._meta.verbose_name,
        },
    )


@require("retention.view_retentiondecision")
def decisions(request):
    return render(
        request,
        "retention/decisions.html",
        paginate(request, RetentionDecision.objects.select_related("decided_by", "content_type")),
    )
