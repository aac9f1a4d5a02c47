from django import forms

from drachma.links.graph import MAX_DEPTH, NODE_TYPES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LAYOUTS = [
    ("cose", "Force-directed"),
    ("concentric", "Rings around the start"),
    ("breadthfirst", "Tree from the start"),
    ("circle", "Circle"),
    ("grid", "Grid"),
]


class ChartForm(forms.Form):
    """What a chart shows: the page's filters, also read by its exports."""

    depth = forms.TypedChoiceField(
        label="Links from the start",
        choices=[(n, str(n)) for n in range(1, MAX_DEPTH + 1)],
        coerce=int,
        initial=2,
        required=False,
    )
    types = forms.MultipleChoiceField(
        label="Entities shown",
        choices=[(t.name, t.label) for t in NODE_TYPES.values()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    date_from = forms.DateField(label="Links from", required=False, widget=DATE)
    date_to = forms.DateField(label="Links to", required=False, widget=DATE)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the date range is before its start.")
        return data

    def chart_options(self) -> dict:
        data = self.cleaned_data
        return {
            "depth": data.get("depth") or 2,
            "types": data.get("types") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class StartForm(forms.Form):
    start = forms.CharField(
        label="Start from",
        max_length=220,
        help_text=(
            "A group, or any entity as type:key (for example person:12 or phone:+447911123456)."
        ),
    )
