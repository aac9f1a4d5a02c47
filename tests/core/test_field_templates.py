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
    if path.name in {"_field.html", "form_fields.html"}
)


class Sample(forms.Form):
    place = forms.CharField(help_text="A town or street.")
    when = forms.CharField(help_text="Roughly is fine.", required=False)


def test_the_field_templates_are_found():
    assert {"intake/_field.html", "takedown/_field.html", "includes/form_fields.html"} <= set(
        FIELD_TEMPLATES
    )


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
