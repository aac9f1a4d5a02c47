"""A destructive or closing step is a GET showing what will happen and a POST doing it."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from drachma.core.views import confirm_step


class ReasonForm(forms.Form):
    reason = forms.CharField(help_text="Why the report is closed.")


def request_for(method: str, data=None):
    request = getattr(RequestFactory(), method)("/reports/RP-2026-000001/close/", data or {})
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def step(request, form=None):
    return confirm_step(
        request,
        title="Close RP-2026-000001?",
        what_will_happen=[
            "The report is closed: it leaves the triage queue.",
            "Nothing is sent to the reporter.",
        ],
        action_url="/reports/RP-2026-000001/close/",
        button="Close the report",
        cancel_url="/reports/RP-2026-000001/",
        form=form,
        caption="RP-2026-000001",
    )


@pytest.mark.django_db
def test_the_get_shows_what_will_happen_and_one_button():
    response = step(request_for("get"), ReasonForm())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Close RP-2026-000001?</h1>' in html
    assert "<li>The report is closed: it leaves the triage queue.</li>" in html
    assert '<form method="post" action="/reports/RP-2026-000001/close/" novalidate>' in html
    assert 'class="govuk-button govuk-button--warning"' in html and "Close the report" in html
    assert '<a class="govuk-link" href="/reports/RP-2026-000001/">Cancel</a>' in html
    assert 'href="/reports/RP-2026-000001/" class="govuk-back-link"' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="reason"' in html
    assert "govuk-error-summary" not in html


@pytest.mark.django_db
def test_a_refused_post_shows_the_page_again_with_the_error_and_answers_400():
    form = ReasonForm(data={"reason": ""})
    assert not form.is_valid()
    response = step(request_for("post", {"reason": ""}), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Close RP-2026-000001? – Drachma</title>" in html
    assert html.count("govuk-error-summary__title") == 1  # not repeated by {{ form }}
    assert 'href="#id_reason">This field is required.</a>' in html
    assert 'id="id_reason_error"' in html


@pytest.mark.django_db
def test_one_sentence_reads_as_a_paragraph_and_a_non_destructive_step_has_a_plain_button():
    response = confirm_step(
        request_for("get"),
        title="Reopen TR-2026-000019?",
        what_will_happen="The request is open again and back in the queue.",
        action_url="/x/",
        button="Reopen",
        cancel_url="/y/",
        destructive=False,
    )
    html = response.content.decode()
    assert '<p class="govuk-body">The request is open again and back in the queue.</p>' in html
    assert "govuk-button--warning" not in html and "If you continue" not in html
