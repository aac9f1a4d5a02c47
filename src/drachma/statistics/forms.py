import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.areas.models import Borough, District
from drachma.core.forms import field_of
from drachma.statistics.selectors import DIMENSIONS, AreaFilter, Period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def area_choices() -> list[tuple[str, str]]:
    return (
        list(Borough.objects.order_by("name").values_list("code", "name"))
        + [(f"district:{d.pk}", f"District: {d.name}") for d in District.objects.order_by("name")]
        + [("outside", "Outside Greater Manchester")]
    )


class PeriodForm(forms.Form):
    """A period and optional areas; the statistics page, exports and the API share it."""

    start = forms.DateField(widget=DATE, label="From")
    end = forms.DateField(widget=DATE, label="To")
    areas = forms.MultipleChoiceField(
        choices=(),
        required=False,
        label="Areas",
        help_text="None ticked: any area.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "areas" in self.fields:  # not on the board report, which covers the whole force
            field_of(self, "areas", forms.MultipleChoiceField).choices = area_choices()

    @classmethod
    def default(cls, data) -> "PeriodForm":
        if not data.get("start") and not data.get("end"):
            today = timezone.localdate()
            data = data.copy()
            data["start"] = (
                (today.replace(day=1) - datetime.timedelta(days=365)).replace(day=1).isoformat()
            )
            data["end"] = today.isoformat()
        return cls(data)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            try:
                data["period"] = Period.of(data["start"], data["end"])
                data["area_filter"] = AreaFilter.parse(data.get("areas"))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for e in errors:
                        self.add_error(field if field in self.fields else None, e)
        return data


class OverviewForm(PeriodForm):
    """The statistics page's filters: the period, areas, and what the borough map shows."""

    measure = forms.ChoiceField(
        label="Map shows",
        choices=[("count", "Counts"), ("rate", "Rate per 100,000 residents")],
        required=False,
        help_text="Rates need all areas: with areas chosen the map shows counts.",
    )


class BoardReportForm(PeriodForm):
    """The board report covers the whole force: a period only."""

    areas = None  # type: ignore[assignment]  # Django's way to remove an inherited field


class FOIForm(PeriodForm):
    by = forms.MultipleChoiceField(
        label="Breakdowns",
        widget=forms.CheckboxSelectMultiple,
        choices=[(d.name, d.label) for d in DIMENSIONS.values() if d.name not in ("group",)],
        initial=["area"],
    )


# --- FOI requests ---------------------------------------------------------------------------


class FOIRequestForm(forms.Form):
    """Record a request: when it arrived, its reference, the question, the figures asked for."""

    received_on = forms.DateField(
        widget=DATE, label="Received on", help_text="The day the force received the request."
    )
    requester_reference = forms.CharField(
        max_length=100,
        label="Requester's reference",
        help_text="The reference the requester or the FOI unit gave it, never a name.",
    )
    question = forms.CharField(
        max_length=5000, label="The request", widget=forms.Textarea(attrs={"rows": 5})
    )
    period_start = forms.DateField(widget=DATE, label="Figures from")
    period_end = forms.DateField(widget=DATE, label="Figures to")
    breakdowns = forms.MultipleChoiceField(
        label="Breakdowns asked for",
        widget=forms.CheckboxSelectMultiple,
        choices=[(d.name, d.label) for d in DIMENSIONS.values() if not d.name_bearing],
    )
    areas = forms.MultipleChoiceField(
        choices=(),
        required=False,
        label="Areas",
        help_text="None ticked: any area.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "areas", forms.MultipleChoiceField).choices = area_choices()


class FOIAnswerForm(forms.Form):
    """The answer step: the small-number judgement, and any exemptions, each with its reason."""

    judgement = forms.CharField(
        max_length=5000,
        label="The small-number judgement",
        help_text=(
            "Why no published figure can identify anyone: the rule applied, and anything more "
            "withheld or checked."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    exemptions = forms.MultipleChoiceField(
        label="Exemptions applied",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each exemption applied to part of the answer and give its reason below.",
    )

    def __init__(self, *args, **kwargs):
        from drachma.statistics.models import Exemption

        super().__init__(*args, **kwargs)
        field_of(self, "exemptions", forms.MultipleChoiceField).choices = Exemption.choices
        for value, label in Exemption.choices:
            self.fields[f"reason_{value}"] = forms.CharField(
                max_length=2000,
                required=False,
                label=f"Reason for {label.split(':')[0].lower()}",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        from drachma.statistics.models import Exemption

        super().clean()
        data = self.cleaned_data
        ticked = set(data.get("exemptions") or [])
        chosen: dict[str, str] = {}
        for value, label in Exemption.choices:
            reason = (data.get(f"reason_{value}") or "").strip()
            section = label.split(":")[0]
            if value in ticked and not reason:
                self.add_error(f"reason_{value}", f"Give the reason {section.lower()} applies.")
            elif reason and value not in ticked:
                self.add_error(
                    f"reason_{value}",
                    f"{section} is not ticked: tick it, or clear its reason.",
                )
            elif value in ticked:
                chosen[value] = reason
        data["chosen_exemptions"] = chosen
        return data
