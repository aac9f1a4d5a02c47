"""Every template that draws a form field names its help text with the id Django's
aria-describedby points at (``<auto_id>_helptext``), or screen readers never read it."""

import re
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string

import drachma

SRC = Path(drachma.__file__).parent
FIELD_TEMPLATES = sorted(
    str(path.relative_to(path.parents[1]))
    for pattern in ("*/templates/*/*.html", "templates/*/*.html")
    for path in SRC.glob(pattern)
    if path.name in {"_field.html", "form_fields.html", "field.html"}
)


class Sample(forms.Form):
    place = forms.CharField(help_text="A town or street.")
    when = forms.CharField(help_text="Roughly is fine.", required=False)


def test_the_field_templates_are_found():
    # The project's form renderer's field template (settings.FORM_RENDERER); no app keeps a
    # hand-made one of its own.
    assert "forms/field.html" in FIELD_TEMPLATES
    assert [t for t in FIELD_TEMPLATES if t.endswith("/_field.html")] == []


@pytest.mark.parametrize("template", FIELD_TEMPLATES)
def test_help_text_is_referenced_by_aria_describedby(template):
    form = Sample(data={"place": ""})
    form.is_valid()
    if template.startswith("includes/"):  # the whole form
        html = render_to_string(template, {"form": form})
    else:  # one field at a time
        html = "".join(render_to_string(template, {"field": field}) for field in form)
    for name in ("place", "when"):
        [described] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
        ids = re.search(r'aria-describedby="([^"]+)"', described).group(1).split()
        assert f"id_{name}_helptext" in ids
        assert f'id="id_{name}_helptext"' in html
    assert 'id="id_place_error"' in html  # the error list has an id a test or script can find


# --- the project's form renderer: every kind of widget, as a GOV.UK form group ---------------


CHOICES = [("a", "Alpha"), ("b", "Bravo")]


class EveryWidget(forms.Form):
    text = forms.CharField(help_text="Some text.")
    number = forms.IntegerField(help_text="A whole number.")
    email = forms.EmailField(help_text="An address.")
    url = forms.URLField(help_text="A web address.")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="A day.")
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), help_text="A time.")
    moment = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text="A moment."
    )
    notes = forms.CharField(widget=forms.Textarea, help_text="Several lines.")
    choice = forms.ChoiceField(choices=CHOICES, help_text="One of them.")
    several = forms.MultipleChoiceField(choices=CHOICES, help_text="Any of them.")
    agreed = forms.BooleanField(help_text="Tick to agree.")
    ticks = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple, help_text="Tick any."
    )
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, help_text="Pick one.")
    upload = forms.FileField(help_text="A file.")

    def clean(self):
        raise forms.ValidationError("The form as a whole is refused.")


# widget name -> (the GOV.UK class on the input, its error class or None)
GOVUK_CLASSES = {
    "text": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "url": ("govuk-input", "govuk-input--error"),
    "day": ("govuk-input", "govuk-input--error"),
    "time": ("govuk-input", "govuk-input--error"),
    "moment": ("govuk-input", "govuk-input--error"),
    "notes": ("govuk-textarea", "govuk-textarea--error"),
    "choice": ("govuk-select", "govuk-select--error"),
    "several": ("govuk-select", "govuk-select--error"),
    "agreed": ("govuk-checkboxes__input", None),
    "ticks": ("govuk-checkboxes__input", None),
    "radio": ("govuk-radios__input", None),
    "upload": ("govuk-file-upload", "govuk-file-upload--error"),
}
GROUPED = {"ticks", "radio"}  # a fieldset with a legend; aria-describedby on the fieldset


def refused_form() -> EveryWidget:
    # Every field but the file is given a bad value, so every field has an error.
    form = EveryWidget(
        data={
            "number": "many",
            "email": "nope",
            "url": "nope",
            "day": "32/13/2026",
            "time": "25:99",
            "moment": "yesterday",
            "choice": "z",
            "several": ["z"],
            "ticks": ["z"],
            "radio": "z",
        },
        files={},
    )
    assert not form.is_valid()
    assert set(form.errors) == {*GOVUK_CLASSES, "__all__"}
    return form


def group_of(html: str, name: str) -> str:
    """The form group holding the field ``name``."""
    groups = re.split(r'(?=<div class="govuk-form-group)', html)
    [group] = [g for g in groups if f'name="{name}"' in g]
    return group


@pytest.mark.parametrize("name", sorted(GOVUK_CLASSES))
def test_the_renderer_draws_each_widget_as_a_govuk_form_group(name):
    html = str(refused_form())
    group = group_of(html, name)
    assert group.startswith('<div class="govuk-form-group govuk-form-group--error">')
    # The hint and the error beside the field, with the ids Django's aria-describedby names.
    assert f'<div id="id_{name}_helptext" class="govuk-hint' in group
    assert f'<p id="id_{name}_error" class="govuk-error-message">' in group
    assert '<span class="govuk-visually-hidden">Error:</span>' in group
    if name in GROUPED:
        [fieldset] = re.findall(r"<fieldset[^>]*>", group)
        assert 'class="govuk-fieldset"' in fieldset
        described = fieldset
        assert '<legend class="govuk-fieldset__legend' in group
    else:
        described = re.findall(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', group)[0]
        assert f'<label for="id_{name}" class="govuk-label' in group
    ids = re.search(r'aria-describedby="([^"]+)"', described).group(1).split()
    assert ids == [f"id_{name}_helptext", f"id_{name}_error"]
    inputs = re.findall(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', group)
    assert inputs
    css, error_css = GOVUK_CLASSES[name]
    for tag in inputs:
        classes = re.search(r'class="([^"]+)"', tag).group(1).split()
        assert css in classes
        if error_css:
            assert error_css in classes


def test_the_renderer_marks_optional_questions_not_required_ones():
    class Form(forms.Form):
        needed = forms.CharField()
        maybe = forms.CharField(required=False)
        agreed = forms.BooleanField(required=False)

    html = str(Form())
    assert ">Needed</label>" in html
    assert ">Maybe (optional)</label>" in html
    assert ">Agreed</label>" in html  # a single checkbox is optional by nature


def test_a_valid_field_has_no_error_markup():
    class Form(forms.Form):
        place = forms.CharField(help_text="A town or street.")

    form = Form(data={"place": "Rochdale"})
    assert form.is_valid()
    html = str(form)
    assert "govuk-form-group--error" not in html and "govuk-error-message" not in html
    assert 'class="govuk-input"' in html and 'aria-describedby="id_place_helptext"' in html


def test_the_form_leads_with_an_error_summary_linking_each_field():
    html = str(refused_form())
    summary = html[: html.index('<div class="govuk-form-group')]
    assert 'class="govuk-error-summary"' in summary and "There is a problem" in summary
    assert "<li>The form as a whole is refused.</li>" in summary
    assert 'href="#id_text"' in summary
    # A group of radios or checkboxes is reached through its first input.
    assert 'href="#id_radio_0"' in summary and 'href="#id_ticks_0"' in summary
    assert 'id="id_radio_0"' in html


def test_a_summary_shown_by_the_page_is_not_repeated_by_the_form():
    from django.template import Context, Template

    form = refused_form()
    html = Template("{% load drachma %}{% error_summary form %}<form>{{ form }}</form>").render(
        Context({"form": form})
    )
    assert html.count("govuk-error-summary__title") == 1
    assert html.index("govuk-error-summary") < html.index("<form>")


def test_the_form_keeps_a_widgets_own_classes_and_attributes():
    class Form(forms.Form):
        summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "wide"}))

    html = str(Form())
    [textarea] = re.findall(r"<textarea[^>]*>", html)
    assert 'class="govuk-textarea wide"' in textarea and 'rows="3"' in textarea


def test_a_width_the_form_chose_replaces_the_default_one():
    class Form(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"class": "govuk-input--width-20"}))
        count = forms.IntegerField()

    html = str(Form())
    assert 'class="govuk-input govuk-input--width-20"' in html
    assert 'class="govuk-input govuk-input--width-10"' in html  # the number's default


def test_a_file_field_with_a_file_names_it_and_offers_to_clear_it():
    class Stored:
        url = "/media/x.pdf"

        def __str__(self):
            return "x.pdf"

    class Form(forms.Form):
        upload = forms.FileField(required=False)

    html = str(Form(initial={"upload": Stored()}))
    assert '<a class="govuk-link" href="/media/x.pdf">x.pdf</a>' in html
    assert 'class="govuk-checkboxes__input" name="upload-clear"' in html
    assert 'class="govuk-file-upload"' in html
