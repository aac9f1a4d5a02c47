from django import forms

from drachma.retention.models import ReviewOutcome


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    next_review_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When retaining: the next review.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
