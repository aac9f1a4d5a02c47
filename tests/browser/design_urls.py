"""A URLconf for the design tests: the project's URLs plus two pages built only from the
foundation's parts (a form with autocompletes, wards narrowed by borough; a filtered list)."""

import django_filters as filters
from django import forms
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from drachma.areas.models import Borough, Ward
from drachma.core.models import Notification
from drachma.core.paging import paginate
from drachma.core.widgets import Autocomplete, AutocompleteMultiple
from drachma.groups.models import Group
from drachma.urls import handler403, handler404  # noqa: F401
from drachma.urls import urlpatterns as project_urls

PLACE = """{% extends "base.html" %}{% block title %}Place{% endblock %}{% block content %}
{% load drachma %}{% error_summary form %}
<h1 class="govuk-heading-l">Where it happened</h1>
<form method="get" novalidate>{{ form }}
<button type="submit" class="govuk-button" data-module="govuk-button">Save</button></form>
{% if form.is_valid %}<p class="govuk-body" id="chosen">{{ form.cleaned_data.borough }} /
{{ form.cleaned_data.ward }} / {% for g in form.cleaned_data.groups %}{{ g }};{% endfor %}</p>
{% endif %}{% endblock %}"""

LIST = """{% extends "base.html" %}{% load drachma %}{% block title %}Messages{% endblock %}
{% block content %}<h1 class="govuk-heading-l">Messages</h1>
{% filter_layout filterset %}
  {% result_count page_obj %}
  {% scroll_pane "Messages" %}
  <table class="govuk-table">
    <caption class="govuk-table__caption govuk-visually-hidden">Messages</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      {% sort_header "When" "when" %}{% sort_header "Subject" "subject" %}
      <th scope="col" class="govuk-table__header">Reference</th>
    </tr></thead>
    <tbody class="govuk-table__body">
    {% for n in page_obj %}<tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ n.created_at|when }}</td>
      <td class="govuk-table__cell">{{ n.subject }}</td>
      <td class="govuk-table__cell">{% reference "TR-2026-000019" %}</td></tr>
    {% empty %}{% empty_row 3 "No messages match." %}{% endfor %}
    </tbody>
  </table>
  {% endscroll_pane %}
  {% pagination %}
{% endfilter_layout %}
<details class="govuk-details"><summary class="govuk-details__summary">
<span class="govuk-details__summary-text">How the list is kept</span></summary>
<div class="govuk-details__text">Folded away on screen, printed open.</div></details>
{% endblock %}"""

PUBLIC = """{% extends "public_base.html" %}{% block title %}Report a concern{% endblock %}
{% block content %}{% load drachma %}{% error_summary form %}
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<h1 class="govuk-heading-l">Report a concern</h1>
<form method="post" novalidate>{% csrf_token %}{{ form }}
<button type="submit" class="govuk-button" data-module="govuk-button">Send the report</button>
</form></div></div>{% endblock %}"""


class PlaceForm(forms.Form):
    borough = forms.ModelChoiceField(Borough.objects.all(), widget=Autocomplete())
    ward = forms.ModelChoiceField(
        Ward.objects.select_related("borough"),
        widget=Autocomplete(narrowed_by="borough", narrowing=lambda ward: ward.borough_id),
        help_text="Type to find it: the wards of the chosen borough.",
    )
    groups = forms.ModelMultipleChoiceField(
        Group.objects.all(), widget=AutocompleteMultiple(), required=False
    )


class ReportForm(forms.Form):
    what = forms.CharField(
        label="What happened", widget=forms.Textarea, help_text="In your own words."
    )
    where = forms.CharField(label="Where", required=False)
    kind = forms.ChoiceField(
        label="What it is about",
        choices=[("grooming", "Online grooming"), ("confrontation", "A confrontation")],
        widget=forms.RadioSelect,
    )


class MessageFilter(filters.FilterSet):
    subject = filters.CharFilter(lookup_expr="icontains", label="Subject")
    read = filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", exclude=True, widget=forms.NullBooleanSelect
    )

    class Meta:
        model = Notification
        fields: list[str] = []


def place(request):
    form = PlaceForm(request.GET or None)
    return HttpResponse(engines["django"].from_string(PLACE).render({"form": form}, request))


def public(request):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        html = engines["django"].from_string(
            '{% extends "core/confirmation.html" %}{% block next_steps %}'
            '<p class="govuk-body">Keep the reference.</p>{% endblock %}'
        )
        context = {
            "title": "Report sent",
            "body": "Your reference",
            "reference": "RP-2026-000001",
            "base_template": "public_base.html",
        }
        return HttpResponse(html.render(context, request))
    return HttpResponse(engines["django"].from_string(PUBLIC).render({"form": form}, request))


def messages_list(request):
    filterset = MessageFilter(request.GET, queryset=Notification.objects.all())
    context = paginate(
        request,
        filterset.qs,
        5,
        sorts={"when": "created_at", "subject": "subject"},
        default_sort="-when",
    )
    return HttpResponse(
        engines["django"].from_string(LIST).render({"filterset": filterset, **context}, request)
    )


urlpatterns = [
    path("design-test/place/", place),
    path("design-test/messages/", messages_list),
    path("design-test/public/", public),
    *project_urls,
]
