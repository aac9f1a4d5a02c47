"""Every field that chooses among all the force's groups, people or wards is typed
to find (the accessible autocomplete), never a select of hundreds of options or a record
number. A field narrowed to a few records at run time (the people of one incident) may stay a
plain select: its options are set in the form's ``__init__`` from an empty queryset."""

import importlib
import inspect

import django_filters
from django import forms
from django.conf import settings

from drachma.areas.models import Ward
from drachma.core.widgets import Autocomplete, AutocompleteMultiple
from drachma.groups.models import Group
from drachma.intake.forms import LinkForm
from drachma.people.models import Person

# The ten boroughs fit a select; the hundreds of wards, groups and people do not.
MANY = (Group, Person, Ward)


def _fields():
    for app in settings.DRACHMA_APPS:
        for part in ("forms", "filtersets"):
            try:
                module = importlib.import_module(f"{app}.{part}")
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__:
                    continue
                if issubclass(cls, django_filters.FilterSet):
                    fields = {n: f.field for n, f in cls.base_filters.items()}
                elif issubclass(cls, forms.BaseForm):
                    fields = cls.base_fields
                else:
                    continue
                for field_name, field in fields.items():
                    yield f"{module.__name__}.{name}.{field_name}", field


def test_every_choice_among_many_records_is_an_autocomplete():
    seen, plain = [], []
    for where, field in _fields():
        queryset = getattr(field, "queryset", None)
        if queryset is None or queryset.model not in MANY or queryset.query.is_empty():
            continue
        seen.append(where)
        if not isinstance(field.widget, Autocomplete | AutocompleteMultiple):
            plain.append(where)
    assert len(seen) > 10, seen  # the scan found the forms
    assert not plain, f"make these autocompletes (drachma.core.widgets): {plain}"


def test_a_report_is_linked_to_a_person_chosen_by_name_not_by_record_number(db):
    person = Person.objects.create(given_names="Ada", family_name="Example")
    form = LinkForm({"person": str(person.pk)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == person
    assert "Ada" in str(form["person"]) and "record number" not in str(form)
    refused = LinkForm({"person": "999999"})
    assert not refused.is_valid() and "person" in refused.errors
