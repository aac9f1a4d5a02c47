from django import forms

from drachma.audit.purpose import DETAIL_MAX_CHARS, MAX_CHARS, PurposeKind


class PurposeForm(forms.Form):
    """What the user's task is for: chosen and typed once, carried through its pages."""

    kind = forms.ChoiceField(
        label="What are you working on?", choices=PurposeKind.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label="Which case, action or request?",
        max_length=DETAIL_MAX_CHARS,
        help_text="Its reference and a few words, for example DR-2026-000019 or SA-2026-000004.",
    )
    recipient = forms.CharField(
        label="Who receives what you disclose?",
        required=False,
        max_length=MAX_CHARS,
        help_text="For a disclosure: for example the Crown Prosecution Service, Bolton Council.",
    )
