"""Each of Drachma's components ({% load drachma %}) rendered, and what it must say."""

import datetime
import re
import zoneinfo

import django_filters as filters
import pytest
from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import timezone

from drachma.core.models import Notification
from drachma.core.paging import paginate
from drachma.safeguarding.models import ActionEvent, ActionStatus, SafeguardingAction

LONDON = zoneinfo.ZoneInfo("Europe/London")


def render(source: str, **context) -> str:
    return Template("{% load drachma %}" + source).render(Context(context))


# --- dates, times and references -------------------------------------------------------------


def test_when_reads_as_users_write_it_in_uk_time():
    summer = datetime.datetime(2026, 7, 12, 17, 2, tzinfo=datetime.UTC)  # 18:02 in BST
    winter = datetime.datetime(2026, 3, 12, 18, 2, tzinfo=datetime.UTC)  # 18:02 in GMT
    assert render("{{ t|when }}", t=summer) == "12 July 2026, 18:02"
    assert render("{{ t|when }}", t=winter) == "12 March 2026, 18:02"
    assert render("{{ t|when }}", t=datetime.date(2026, 3, 2)) == "2 March 2026"
    assert render("[{{ t|when }}]", t=None) == "[]"


def test_day_reads_the_uk_date_of_a_moment():
    late = datetime.datetime(2026, 7, 12, 23, 30, tzinfo=datetime.UTC)  # already the 13th in BST
    assert render("{{ t|day }}", t=late) == "13 July 2026"
    assert render("{{ t|day }}", t=datetime.date(2026, 3, 12)) == "12 March 2026"


def test_default_date_rendering_agrees_with_the_filters():
    moment = datetime.datetime(2026, 3, 12, 18, 2, tzinfo=datetime.UTC)
    with timezone.override(LONDON):
        assert render("{{ t }}", t=moment) == "12 March 2026, 18:02"
        assert render("{{ t|date }}", t=moment) == "12 March 2026"
        assert render("{{ t|date:'SHORT_DATETIME_FORMAT' }}", t=moment) == "12 March 2026, 18:02"
        assert render("{{ d }}", d=datetime.date(2026, 3, 12)) == "12 March 2026"


def test_a_reference_never_breaks():
    html = render("{% reference ref %}", ref="TR-2026-000019")
    assert html == '<span class="drachma-reference">TR-2026-000019</span>'
    assert "&lt;b&gt;" in render("{% reference ref %}", ref="<b>")


def test_css_string_cannot_end_a_css_string():
    escaped = render("{{ name|css_string }}", name='Ann "x" } \\ <b>\nEnd')
    assert '"' not in escaped and "}" not in escaped and "<" not in escaped and "\n" not in escaped
    assert escaped.startswith("Ann \\22 x\\22  \\7d ")


# --- tags and states -------------------------------------------------------------------------


def test_state_tag_from_a_record_reads_its_label_in_its_kinds_colour():
    action = SafeguardingAction(status=ActionStatus.IN_PROGRESS)
    html = render("{% state_tag action %}", action=action)
    assert html == '<strong class="govuk-tag govuk-tag--turquoise">In progress</strong>'


def test_state_tag_from_a_value_and_a_machine_name():
    html = render('{% state_tag "no_answer" "takedown" %}')
    assert html == '<strong class="govuk-tag govuk-tag--orange">No answer from the group</strong>'
    assert "govuk-tag--green" in render('{% state_tag "removed" "takedown" %}')


def test_state_tag_refuses_a_machine_it_does_not_know():
    with pytest.raises(ValueError, match="no state machine called 'parcel'"):
        render('{% state_tag "open" "parcel" %}')
    with pytest.raises(ValueError, match="has no state machine"):
        render("{% state_tag n %}", n=Notification())


def test_tag():
    assert (
        render('{% tag "Live" "red" %}') == '<strong class="govuk-tag govuk-tag--red">Live</strong>'
    )


# --- records ---------------------------------------------------------------------------------


def test_summary_list_rows_values_and_actions():
    rows = [
        ("Reference", "DR-2026-000001"),
        ("Owner", "Priya", "/owner/"),
        ("Place", "", ("/place/", "Add a place")),
    ]
    html = render("{% summary_list rows %}", rows=rows)
    assert html.count('<div class="govuk-summary-list__row') == 3
    assert '<dt class="govuk-summary-list__key">Reference</dt>' in html
    assert "govuk-summary-list__row--no-actions" in html.split("Owner")[0]
    assert 'href="/owner/">Change<span class="govuk-visually-hidden"> owner</span>' in html
    assert "Not recorded" in html and "Add a place" in html


def test_summary_row_takes_markup():
    html = render(
        '<dl class="govuk-summary-list">'
        '{% summary_row "Status" href="/s/" action="Change status" %}'
        '{% tag "Open" "blue" %}{% endsummary_row %}</dl>'
    )
    assert '<dd class="govuk-summary-list__value"><strong class="govuk-tag' in html
    assert "Change status" in html


def test_summary_row_needs_a_label():
    with pytest.raises(TemplateSyntaxError):
        render("{% summary_row %}x{% endsummary_row %}")


@pytest.mark.django_db
def test_timeline_of_workflow_events_in_words(make_user):
    user = make_user("safeguarding_officer")
    at = datetime.datetime(2026, 3, 12, 18, 2, tzinfo=datetime.UTC)
    events = [
        ActionEvent(transition="plan", from_state="", to_state="open", by=user, at=at),
        ActionEvent(
            transition="start",
            from_state="open",
            to_state="in_progress",
            by=user,
            at=at + datetime.timedelta(hours=1),
            note="Called the family.\nLeft a message.",
        ),
        ActionEvent(
            transition="retime",
            from_state="in_progress",
            to_state="in_progress",
            by=None,
            by_description="The overnight sweep",
            at=at + datetime.timedelta(hours=2),
        ),
    ]
    html = render("{% timeline events heading_level=3 %}", events=events)
    titles = re.findall(r'<h3 class="moj-timeline__title">([^<]+)</h3>', html)
    assert titles == ["Bring the due time forward", "Start", "Planned"]  # newest first
    assert "From open to in progress" in html and "Began as open" in html
    assert f"by {user.get_full_name()}" in html and "by The overnight sweep" in html
    assert '<time datetime="2026-03-12T19:02:00+00:00">12 March 2026, 19:02</time>' in html
    assert "Called the family.<br>Left a message." in html


def test_timeline_of_other_histories():
    items = [{"label": "Seen online", "by": "An analyst", "text": "A post", "at": None}]
    html = render("{% timeline items newest_first=False %}", items=items)
    assert '<h2 class="moj-timeline__title">Seen online</h2>' in html and "A post" in html
    assert "Nothing has happened yet." in render("{% timeline items %}", items=[])


# --- lists -----------------------------------------------------------------------------------


@pytest.fixture
def notifications(make_user):
    user = make_user("analyst")
    for i in range(7):
        Notification.objects.create(recipient=user, subject=f"Subject {i}")
    return user


SORTS = {"when": "created_at", "subject": "subject"}


@pytest.mark.django_db
def test_a_sorted_counted_paginated_table(notifications):
    request = RequestFactory().get("/n/", {"sort": "-subject", "page": "2", "status": "x"})
    context = paginate(request, Notification.objects.all(), 3, sorts=SORTS, default_sort="when")
    assert [n.subject for n in context["page_obj"]] == ["Subject 3", "Subject 2", "Subject 1"]
    html = render(
        '{% result_count page_obj %}<table>{% sort_header "Subject" "subject" %}'
        '{% sort_header "When" "when" %}</table>{% pagination page_obj %}',
        **context,
    )
    assert '<p class="drachma-result-count" role="status">7 notifications</p>' in html
    [subject, when] = re.findall(r"<th [^>]*>", html)
    assert 'aria-sort="descending"' in subject and 'aria-sort="none"' in when
    # The links keep the filters, go back to the first page, and turn the order round.
    assert 'href="?status=x&amp;sort=subject"' in html
    assert 'href="?status=x&amp;sort=when"' in html
    assert 'class="govuk-pagination"' in html
    assert 'aria-label="Page 2" aria-current="page"' in html
    assert 'href="?sort=-subject&amp;status=x&amp;page=1" rel="prev"' in html
    assert 'href="?sort=-subject&amp;status=x&amp;page=3" rel="next"' in html


@pytest.mark.django_db
def test_a_sort_the_view_did_not_offer_falls_back_to_the_default(notifications):
    for asked in ("recipient__password", "-recipient__password", "", "--when"):
        request = RequestFactory().get("/n/", {"sort": asked})
        context = paginate(request, Notification.objects.all(), sorts=SORTS, default_sort="-when")
        assert context["sort"].value == "-when"
        assert "recipient__password" not in str(context["page_obj"].paginator.object_list.query)


def test_the_default_order_must_be_one_the_view_offers():
    with pytest.raises(ValueError, match="not one of"):
        paginate(
            RequestFactory().get("/"),
            Notification.objects.none(),
            sorts=SORTS,
            default_sort="recipient",
        )


@pytest.mark.django_db
def test_pagination_elides_far_pages_and_keeps_the_old_context(notifications):
    for i in range(40):
        Notification.objects.create(recipient=notifications, subject=f"More {i}")
    request = RequestFactory().get("/n/", {"page": "5"})
    context = paginate(request, Notification.objects.all(), 5)
    assert set(context) == {"page_obj", "querystring_without_page"}  # as before sorting came
    html = render("{% pagination %}", **context)
    numbers = re.findall(r'aria-label="Page (\d+)"', html)
    assert numbers == ["1", "4", "5", "6", "10"]
    assert html.count("govuk-pagination__item--ellipses") == 2
    # The include apps still use draws the same.
    from django.template.loader import render_to_string

    assert render_to_string("includes/pagination.html", context).strip() == html.strip()


@pytest.mark.django_db
def test_one_page_draws_no_pagination_and_counts_one_in_the_singular(notifications):
    request = RequestFactory().get("/n/")
    context = paginate(request, Notification.objects.filter(subject="Subject 1"))
    html = render("{% result_count page_obj %}{% pagination %}", **context)
    assert "1 notification<" in html and "govuk-pagination" not in html
    assert "0 cases<" in render(
        '{% result_count page_obj "case" %}',
        **paginate(request, Notification.objects.none()),
    )


def test_empty_row_and_scroll_pane():
    html = render(
        '{% scroll_pane "Incidents" %}<table>{% empty_row 7 "No incidents match." %}'
        "</table>{% endscroll_pane %}"
    )
    assert html.startswith(
        '<div class="moj-scrollable-pane drachma-table-pane" tabindex="0" '
        'role="region" aria-label="Incidents">'
    )
    assert '<td class="govuk-table__cell" colspan="7">No incidents match.</td>' in html


def test_sort_header_needs_a_sorted_list():
    with pytest.raises(ValueError, match="sorts="):
        render('{% sort_header "Subject" "subject" %}')


# --- filters ---------------------------------------------------------------------------------

COLOURS = [("red", "Red"), ("blue", "Blue")]


class NotificationFilter(filters.FilterSet):
    subject = filters.CharFilter(lookup_expr="icontains", label="Subject")
    colour = filters.ChoiceFilter(choices=COLOURS, method="ignore", label="Colour")
    read = filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", exclude=True, widget=forms.NullBooleanSelect
    )
    since = filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="Since",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Notification
        fields: list[str] = []

    def ignore(self, queryset, name, value):
        return queryset


def filter_page(params: dict) -> str:
    request = RequestFactory().get("/notifications/", params)
    filterset = NotificationFilter(request.GET, queryset=Notification.objects.all())
    return render(
        "{% filter_layout filterset %}<p>RESULTS</p>{% endfilter_layout %}",
        request=request,
        filterset=filterset,
    )


@pytest.mark.django_db
def test_filter_layout_draws_the_moj_filter_beside_the_results():
    html = filter_page({})
    assert html.index('class="moj-filter-layout__filter"') < html.index("RESULTS")
    assert 'class="moj-action-bar__filter"' in html  # where the phone's show/hide button goes
    assert 'class="govuk-button" data-module="govuk-button">Apply filters</button>' in html
    assert 'data-module="moj-filter"' in html and "Selected filters" not in html
    # Filters are optional by nature: no "(optional)" on their labels.
    assert "(optional)" not in html and ">Subject</label>" in html
    # Any choice that does not narrow reads "Any".
    assert '<option value="" selected>Any</option>' in html
    assert '<option value="unknown" selected>Any</option>' in html
    assert "---------" not in html and "Unknown" not in html


@pytest.mark.django_db
def test_chosen_filters_are_tags_that_remove_themselves():
    html = filter_page(
        {
            "subject": "late",
            "colour": "blue",
            "read": "true",
            "since": "2026-03-12",
            "sort": "-when",
            "page": "3",
        }
    )
    assert "Selected filters" in html
    tags = dict(
        (text.strip(), href.replace("&amp;", "&"))
        for href, text in re.findall(
            r'<a class="moj-filter__tag" href="([^"]+)"><span class="govuk-visually-hidden">'
            r"Remove this filter</span>([^<]+)</a>",
            html,
        )
    )
    assert set(tags) == {"late", "Blue", "Yes", "12 March 2026"}
    assert tags["Blue"] == "?subject=late&read=true&since=2026-03-12&sort=-when"
    # Clearing keeps the order only; applying keeps it in a hidden field.
    assert 'href="?sort=-when">Clear filters</a>' in html
    assert '<input type="hidden" name="sort" value="-when">' in html
    assert 'name="page"' not in html


@pytest.mark.django_db
def test_a_refused_filter_is_shown_beside_its_field():
    html = filter_page({"since": "not a date"})
    assert "govuk-form-group--error" in html and 'id="id_since_error"' in html


# --- journeys --------------------------------------------------------------------------------


def test_back_link_breadcrumbs_and_panel():
    assert render('{% back_link "/x/" %}') == '<a href="/x/" class="govuk-back-link">Back</a>'
    html = render('{% breadcrumbs "Incidents" "/incidents/" "DR-2026-000001" %}')
    assert '<a class="govuk-breadcrumbs__link" href="/incidents/">Incidents</a>' in html
    assert 'aria-current="page">DR-2026-000001</li>' in html
    html = render('{% panel "Report sent" body="Your reference is" reference="RP-2026-000001" %}')
    assert '<h1 class="govuk-panel__title">Report sent</h1>' in html
    assert '<strong><span class="drachma-reference">RP-2026-000001</span></strong>' in html


def test_messages_are_notification_banners_by_kind():
    messages = [
        Message(constants.SUCCESS, "TR-2026-000019 closed"),
        Message(constants.ERROR, "The note is missing."),
        Message(constants.INFO, "The export is being prepared."),
    ]
    html = render("{% notification_banners %}", messages=messages)
    success, rest = html.split('class="govuk-error-summary"')
    assert "govuk-notification-banner--success" in success and "TR-2026-000019 closed" in success
    assert 'role="alert"' in success
    error, other = rest.split('class="govuk-notification-banner"')
    assert "The note is missing." in error
    assert "Important" in other and "The export is being prepared." in other
    assert render("{% notification_banners %}", messages=[]) == ""


def test_vendor_static_names_the_vendored_version():
    from drachma.core.frontend import versions

    url = render('{% vendor_static "govuk-frontend" "govuk-frontend.min.js" %}')
    assert (
        url == f"/static/vendor/govuk-frontend-{versions()['govuk-frontend']}/govuk-frontend.min.js"
    )
    with pytest.raises(ValueError, match="not vendored"):
        render('{% vendor_static "jquery" "jquery.js" %}')
