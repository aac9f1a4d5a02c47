"""Drachma's components: ``{% load drachma %}`` in any template.

Each tag draws one GOV.UK Design System or MOJ Frontend component from a template under
``templates/components/`` (the markup lives there, not here). docs/design.md shows each in use.

Dates and times: ``{{ value|when }}`` ("12 March 2026, 18:02", UK time), ``{{ value|day }}``.
References: ``{% reference ref %}``. States: ``{% state_tag obj %}``, ``{% tag text colour %}``.
Forms: ``{% error_summary form %}``. Lists: ``{% result_count %}``, ``{% sort_header %}``,
``{% empty_row %}``, ``{% scroll_pane %}``, ``{% pagination %}``, ``{% filter_form %}``,
``{% filter_layout %}``. Records: ``{% summary_list %}``, ``{% summary_row %}``,
``{% timeline %}``. Journeys: ``{% back_link %}``, ``{% breadcrumbs %}``, ``{% panel %}``.
Page furniture: ``{% notification_banners %}``, ``{% vendor_static %}``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms, template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from drachma.core import frontend, states

register = template.Library()

WHEN_FORMAT = "j F Y, H:i"
DAY_FORMAT = "j F Y"
# What a filter that does not narrow the list reads.
ANY = "Any"
# The values of a select that mean "no filter".
ANY_VALUES = {"", "unknown", None}


# --- dates, times, references --------------------------------------------------------------


@register.filter
def when(value: Any) -> str:
    """A moment as users read it: "12 March 2026, 18:02", in UK time (a date: "12 March 2026")."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, WHEN_FORMAT)
    if isinstance(value, datetime.date):
        return dateformat.format(value, DAY_FORMAT)
    return str(value)


@register.filter
def day(value: Any) -> str:
    """A day as users read it: "12 March 2026" (a moment is taken in UK time)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value.date(), DAY_FORMAT)
    if isinstance(value, datetime.date):
        return dateformat.format(value, DAY_FORMAT)
    return str(value)


@register.filter
def iso(value: Any) -> str:
    """A moment for a ``<time datetime="...">`` attribute."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return ""


@register.simple_tag
def reference(value: Any) -> SafeString:
    """A reference (DR-2026-000019) that never breaks across lines."""
    return format_html('<span class="drachma-reference">{}</span>', value)


@register.filter
def css_string(value: Any) -> SafeString:
    """``value`` as the body of a CSS string (``content: "{{ x|css_string }}"``): quotes,
    backslashes and line breaks escaped, so a name cannot end the string or the style."""
    escaped = []
    for char in str(value):
        if char.isalnum() or char in " ,.:;-_()@'/":
            escaped.append(char)
        else:
            # A hex escape ends at the space after it (which CSS consumes).
            escaped.append(f"\\{ord(char):x} ")
    return mark_safe("".join(escaped))


# --- tags and states -----------------------------------------------------------------------


@register.simple_tag
def tag(text: Any, colour: str = "") -> SafeString:
    """A GOV.UK tag: ``{% tag "Live streamed" "red" %}``."""
    modifier = f" govuk-tag--{colour}" if colour else ""
    return format_html('<strong class="govuk-tag{}">{}</strong>', modifier, text)


@register.simple_tag
def state_tag(obj_or_value: Any, machine: Any = None) -> SafeString:
    """A record's workflow state as a coloured tag, in the users' words.

    ``{% state_tag request %}`` finds the machine from the record's model;
    ``{% state_tag value "takedown" %}`` names it (for a bare value, or a machine not yet tied
    to its model). The colour comes from the state's kind (``drachma.core.states``).
    """
    if machine is None:
        found = states.machine_for(obj_or_value)
        if found is None:
            raise ValueError(
                f"{type(obj_or_value).__name__} has no state machine: name it, "
                '{% state_tag value "machine name" %}'
            )
        value = getattr(obj_or_value, found.field)
    else:
        found = states.machine_for(machine)
        if found is None:
            raise ValueError(f"there is no state machine called {machine!r}")
        value = obj_or_value
    return tag(found.state_label(value), states.colour_of(found.name, value))


# --- forms ---------------------------------------------------------------------------------

SUMMARISED = "_drachma_error_summary_shown"


def error_items(form: forms.BaseForm) -> list[dict[str, str]]:
    """Every error of ``form``, in field order, each with the id it links to (none for the
    form's own errors)."""
    items = [{"href": "", "text": str(e)} for e in form.non_field_errors()]
    for field in form:
        if field.is_hidden:
            items.extend({"href": "", "text": f"{field.label}: {e}"} for e in field.errors)
            continue
        target = getattr(field, "error_target", field.id_for_label)
        items.extend({"href": f"#{target}" if target else "", "text": str(e)} for e in field.errors)
    return items


@register.simple_tag
def error_summary(*forms_: forms.BaseForm | None) -> SafeString:
    """The GOV.UK error summary for one or more forms: each error links to its field. Put it at
    the top of the page's content; a form whose summary is shown does not repeat it when
    ``{{ form }}`` renders."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound or getattr(form, SUMMARISED, False):
            continue
        items.extend(error_items(form))
        setattr(form, SUMMARISED, True)
    if not items:
        return mark_safe("")
    return mark_safe(render_to_string("components/error_summary.html", {"items": items}))


# --- records -------------------------------------------------------------------------------


def _row(row: Sequence[Any] | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(row, Mapping):
        return dict(row)
    label, value, *rest = row
    action = rest[0] if rest else None
    if isinstance(action, Sequence) and not isinstance(action, str):
        href, text = action[0], action[1]
    elif action:
        href, text = action, "Change"
    else:
        href, text = "", ""
    return {"label": label, "value": value, "href": href, "action": text}


@register.simple_tag
def summary_list(rows: Iterable[Any], empty: str = "Not recorded") -> SafeString:
    """A GOV.UK summary list. Each row is ``(label, value)``, ``(label, value, url)`` (a
    "Change" link) or ``(label, value, (url, action text))``, or a dict with those keys
    (``label``, ``value``, ``href``, ``action``). An empty value reads ``empty``."""
    rows = [_row(r) for r in rows]
    any_actions = any(r.get("href") for r in rows)
    for r in rows:
        if r.get("value") in (None, ""):
            r["value"] = empty
            r["missing"] = True
    return mark_safe(
        render_to_string("components/summary_list.html", {"rows": rows, "actions": any_actions})
    )


class SummaryRowNode(template.Node):
    def __init__(self, nodelist, label, kwargs):
        self.nodelist, self.label, self.kwargs = nodelist, label, kwargs

    def render(self, context):
        value = self.nodelist.render(context).strip()
        options = {k: v.resolve(context) for k, v in self.kwargs.items()}
        row = {
            "label": self.label.resolve(context),
            "value": mark_safe(value) if value else options.get("empty", "Not recorded"),
            "missing": not value,
            "href": options.get("href", ""),
            "action": options.get("action", "Change"),
        }
        return render_to_string("components/summary_row.html", {"row": row})


@register.tag
def summary_row(parser, token):
    """One summary-list row whose value is template markup::

    <dl class="govuk-summary-list">
      {% summary_row "Status" %}{% state_tag incident %}{% endsummary_row %}
      {% summary_row "Owner" href=owner_url action="Change owner" %}{{ owner }}{% endsummary_row %}
    </dl>
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("summary_row needs a label")
    label = parser.compile_filter(bits[1])
    kwargs = {}
    for bit in bits[2:]:
        name, _, value = bit.partition("=")
        if not value:
            raise template.TemplateSyntaxError(f"summary_row: {bit!r} is not name=value")
        kwargs[name] = parser.compile_filter(value)
    nodelist = parser.parse(("endsummary_row",))
    parser.delete_first_token()
    return SummaryRowNode(nodelist, label, kwargs)


def _event_item(event: Any, machine: Any) -> dict[str, Any]:
    from drachma.core.models import WorkflowEvent

    if not isinstance(event, WorkflowEvent):
        item = dict(event)
        item.setdefault("at", None)
        return item
    found = states.machine_for(machine if machine is not None else event)
    name = event.transition
    label = found.step_label(name) if found is not None else name.replace("_", " ").capitalize()
    label_of = found.state_label if found is not None else (lambda s: s.replace("_", " "))
    if not event.from_state:
        change = f"Began as {label_of(event.to_state).lower()}"
    elif event.from_state != event.to_state:
        change = f"From {label_of(event.from_state).lower()} to {label_of(event.to_state).lower()}"
    else:
        change = ""
    if event.by is not None:
        by = event.by.get_full_name() or event.by.get_username()
    else:
        by = event.by_description or "Drachma"
    return {"label": label, "by": by, "at": event.at, "change": change, "note": event.note}


@register.simple_tag
def timeline(
    events: Iterable[Any],
    machine: Any = None,
    heading_level: int = 2,
    newest_first: bool = True,
) -> SafeString:
    """The MOJ timeline of a record's history.

    ``events`` are workflow events (``core.models.WorkflowEvent`` rows: the step in words, the
    change of state in words, who, when, the note) or dicts with ``label``, ``by``, ``at``,
    ``text`` (or ``html``) for histories that are not a workflow's. ``machine`` names the
    workflow when its events' model is not tied to it.
    """
    items = [_event_item(e, machine) for e in events]
    if newest_first:
        items.reverse()
    return mark_safe(
        render_to_string(
            "components/timeline.html", {"items": items, "heading_level": int(heading_level)}
        )
    )


# --- lists ---------------------------------------------------------------------------------


def _nouns(page_obj: Page, singular: str, plural: str) -> tuple[str, str]:
    if singular:
        return singular, plural or f"{singular}s"
    model = getattr(page_obj.paginator.object_list, "model", None)
    if model is None:
        return "result", "results"
    return str(model._meta.verbose_name), str(model._meta.verbose_name_plural)


@register.simple_tag
def result_count(page_obj: Page, singular: str = "", plural: str = "") -> SafeString:
    """ "32 incidents": the size of the whole list (not the page). The nouns default to the
    model's verbose names."""
    count = page_obj.paginator.count
    one, many = _nouns(page_obj, singular, plural)
    return format_html(
        '<p class="drachma-result-count" role="status">{} {}</p>',
        intcomma(count),
        one if count == 1 else many,
    )


@register.simple_tag(takes_context=True)
def sort_header(context, label: str, key: str, classes: str = "") -> SafeString:
    """A column header that sorts the list on the server (MOJ sortable-table markup, with
    ``aria-sort``). ``key`` is one of the orders the view gave ``paginate(..., sorts=...)``."""
    sort = context.get("sort")
    if sort is None:
        raise ValueError("sort_header needs the view to paginate with sorts=...")
    return mark_safe(
        render_to_string(
            "components/sort_header.html",
            {
                "label": label,
                "aria_sort": sort.aria_sort(key),
                "url": sort.url(key),
                "classes": classes,
            },
        )
    )


@register.simple_tag
def empty_row(colspan: int, text: str) -> SafeString:
    """The row a table shows when nothing matches: ``{% empty_row 7 "No incidents match." %}``."""
    return format_html(
        '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{}">{}</td></tr>',
        colspan,
        text,
    )


class ScrollPaneNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist, self.label = nodelist, label

    def render(self, context):
        return format_html(
            '<div class="moj-scrollable-pane drachma-table-pane" tabindex="0" role="region" '
            'aria-label="{}">{}</div>',
            self.label.resolve(context),
            mark_safe(self.nodelist.render(context)),
        )


@register.tag
def scroll_pane(parser, token):
    """A wide table scrolls inside its own pane on a phone, never the page::

    {% scroll_pane "Incidents" %}<table class="govuk-table">...</table>{% endscroll_pane %}
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("scroll_pane takes one label")
    nodelist = parser.parse(("endscroll_pane",))
    parser.delete_first_token()
    return ScrollPaneNode(nodelist, parser.compile_filter(bits[1]))


@register.simple_tag(takes_context=True)
def pagination(context, page_obj: Page | None = None) -> SafeString:
    """GOV.UK pagination (previous, numbered pages with gaps, next), keeping the filters and the
    order; nothing when the list fits on one page."""
    page_obj = page_obj or context.get("page_obj")
    if page_obj is None or not page_obj.has_other_pages():
        return mark_safe("")
    query = context.get("querystring_without_page", "")
    prefix = f"?{query}&page=" if query else "?page="
    pages: list[dict[str, Any]] = []
    for number in page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=1, on_ends=1
    ):
        if number == page_obj.paginator.ELLIPSIS:
            pages.append({"ellipsis": True})
        else:
            pages.append(
                {"number": number, "url": f"{prefix}{number}", "current": number == page_obj.number}
            )
    return mark_safe(
        render_to_string(
            "components/pagination.html",
            {
                "pages": pages,
                "previous": f"{prefix}{page_obj.previous_page_number()}"
                if page_obj.has_previous()
                else "",
                "next": f"{prefix}{page_obj.next_page_number()}" if page_obj.has_next() else "",
            },
        )
    )


# --- filters -------------------------------------------------------------------------------


def _read_as_any(field: forms.Field) -> None:
    """A select that does not narrow the list reads "Any"."""
    if getattr(field, "empty_label", None) is not None:
        field.empty_label = ANY  # type: ignore[attr-defined]
    widget = field.widget
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        choices = widget.choices
        if isinstance(choices, list | tuple):
            widget.choices = [(v, ANY if v in ANY_VALUES else label) for v, label in choices]


def _value_label(field: forms.Field, value: str) -> str:
    """How a filter's chosen ``value`` reads in a filter tag."""
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        key = field.to_field_name or "pk"
        try:
            obj = field.queryset.filter(**{key: value}).first()
        except (ValueError, ValidationError):
            obj = None
        return field.label_from_instance(obj) if obj is not None else value
    choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None)
    if choices:
        flat: dict[str, str] = {}
        for key, label in choices:
            if isinstance(label, list | tuple):
                flat.update({str(k): str(v) for k, v in label})
            else:
                flat[str(key)] = str(label)
        return flat.get(value, value)
    if isinstance(field, forms.DateField):
        try:
            return day(field.to_python(value))
        except ValidationError:
            return value
    return value


def filter_context(request, filterset, *, heading: str = "Filter") -> dict[str, Any]:
    """What the MOJ filter panel shows: the filterset's form (through the project's form
    renderer), the chosen filters as tags that each remove themselves, and the query string
    parts the panel must keep (the order)."""
    form = filterset.form
    form.optional_labels = False
    for field in form.fields.values():
        _read_as_any(field)
    params = request.GET.copy()
    params.pop("page", None)
    names = {form[name].html_name for name in form.fields}
    categories = []
    for name in form.fields:
        bound = form[name]
        chosen = [v for v in params.getlist(bound.html_name) if v not in ANY_VALUES]
        items = []
        for value in chosen:
            remaining = params.copy()
            remaining.setlist(bound.html_name, [v for v in chosen if v != value])
            items.append(
                {
                    "text": _value_label(bound.field, value),
                    "href": f"?{remaining.urlencode()}",
                }
            )
        if items:
            categories.append({"heading": bound.label, "items": items})
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return {
        "form": form,
        "heading": heading,
        "categories": categories,
        "clear_url": f"?{kept.urlencode()}" if kept else request.path,
        "kept": [(k, v) for k, values in kept.lists() for v in values],
    }


@register.simple_tag(takes_context=True)
def filter_form(context, filterset, heading: str = "Filter") -> SafeString:
    """The MOJ filter panel for a django-filter FilterSet: its fields, "Any" for a choice that
    does not narrow, the chosen filters as removable tags, "Apply filters"."""
    return mark_safe(
        render_to_string(
            "components/filter_form.html",
            filter_context(context["request"], filterset, heading=heading),
        )
    )


class FilterLayoutNode(template.Node):
    def __init__(self, nodelist, filterset, heading):
        self.nodelist, self.filterset, self.heading = nodelist, filterset, heading

    def render(self, context):
        heading = self.heading.resolve(context) if self.heading else "Filter"
        panel = filter_form(context, self.filterset.resolve(context), heading)
        return render_to_string(
            "components/filter_layout.html",
            {"panel": panel, "results": mark_safe(self.nodelist.render(context))},
        )


@register.tag
def filter_layout(parser, token):
    """The MOJ filter layout: the filter panel beside the results (a button shows and hides it
    on a phone)::

        {% filter_layout filterset %}
          {% result_count page_obj %} ...the table... {% pagination %}
        {% endfilter_layout %}
    """
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("filter_layout takes a filterset and a heading")
    nodelist = parser.parse(("endfilter_layout",))
    parser.delete_first_token()
    heading = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return FilterLayoutNode(nodelist, parser.compile_filter(bits[1]), heading)


# --- journeys ------------------------------------------------------------------------------


@register.simple_tag
def back_link(url: str, text: str = "Back") -> SafeString:
    return format_html('<a href="{}" class="govuk-back-link">{}</a>', url, text)


@register.simple_tag
def breadcrumbs(*trail: Any) -> SafeString:
    """GOV.UK breadcrumbs: ``{% breadcrumbs "Incidents" list_url "DR-2026-000019" %}``: label
    and link pairs, and a last label without a link for the current page if wanted."""
    crumbs = [
        {"label": trail[i], "url": trail[i + 1] if i + 1 < len(trail) else ""}
        for i in range(0, len(trail), 2)
    ]
    return mark_safe(render_to_string("components/breadcrumbs.html", {"crumbs": crumbs}))


@register.simple_tag
def panel(title: str, body: str = "", reference: str = "") -> SafeString:
    """The GOV.UK confirmation panel for a finished journey: ``{% panel "Report sent"
    reference=report.reference %}``."""
    return mark_safe(
        render_to_string(
            "components/panel.html", {"title": title, "body": body, "reference": reference}
        )
    )


# --- page furniture ------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def notification_banners(context) -> SafeString:
    """Django's messages as GOV.UK components: successes in a success notification banner,
    errors in an error summary, anything else in an "Important" notification banner."""
    groups: dict[str, list[str]] = {"success": [], "error": [], "other": []}
    for message in context.get("messages") or ():
        level = message.level_tag if message.level_tag in ("success", "error") else "other"
        groups[level].append(str(message))
    if not any(groups.values()):
        return mark_safe("")
    return mark_safe(render_to_string("components/messages.html", groups))


@register.simple_tag
def vendor_static(package: str, filename: str) -> str:
    """The URL of a vendored package's file, its version read from static/vendor/frontend.json:
    ``{% vendor_static "govuk-frontend" "govuk-frontend.min.js" %}``."""
    return static(frontend.vendored(package, filename))
