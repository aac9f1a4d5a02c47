from django import forms

from drachma.core.forms import field_of
from drachma.people.models import Person, PersonIdentifier


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "given_names",
            "family_name",
            "known_as",
            "date_of_birth",
            "address",
            "postcode",
            "flag_learning_disability",
            "flag_mental_ill_health",
            "flag_self_harm",
            "flag_children_in_household",
            "flag_other",
            "flag_other_text",
            "notes",
            "mopi_group",
            "review_date",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, show_identifiers: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_date"].required = False
        if not show_identifiers:
            for name in ("date_of_birth", "address", "postcode"):
                del self.fields[name]
        dup_attrs = {
            "hx-get": "/people/duplicates/",
            "hx-trigger": "change, keyup changed delay:500ms",
            "hx-target": "#duplicates",
            "hx-include": "closest form",
        }
        for name in ("given_names", "family_name", "date_of_birth", "postcode"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(dup_attrs)


class IdentifierForm(forms.ModelForm):
    class Meta:
        model = PersonIdentifier
        fields = ["kind", "platform", "value", "source"]
        help_texts = {
            "platform": "For a handle given without one (a profile URL says its own).",
            "value": "As written: 07700 900123, @name, https://www.tiktok.com/@name or "
            "jo@example.com",
        }


class MergeForm(forms.Form):
    merged = forms.ModelChoiceField(
        label="The duplicate record to merge into this one",
        queryset=Person.objects.none(),
        help_text="Its incidents, actions, identifiers and other links move to this record.",
    )
    reason = forms.CharField(
        label="Why they are the same person",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every person: the merge itself says why one cannot be merged (itself, already merged).
        field = field_of(self, "merged", forms.ModelChoiceField)
        field.queryset = Person.objects.all()
        field.initial = None


class UndoMergeForm(forms.Form):
    reason = forms.CharField(
        label="Why the merge is undone", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
