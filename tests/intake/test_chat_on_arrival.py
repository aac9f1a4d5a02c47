"""A chat export sent through the reporting page is read as one once the report is on an
incident."""

import pytest
from django.urls import reverse
from django_tasks import default_task_backend

from drachma.evidence.models import EvidenceItem, EvidenceKind, ParsedConversation
from drachma.evidence.tasks import read_chat_export
from drachma.incidents.services import create_incident
from drachma.intake import services
from drachma.intake.models import ReportStatus
from tests.intake.conftest import CHAT_EXPORT, PNG, incident_fields, upload

pytestmark = pytest.mark.django_db


def _enqueued():
    """The chat-reading tasks enqueued so far, as (task, args) pairs."""
    return [r for r in default_task_backend.results if r.task.func is read_chat_export.func]


def _run_enqueued():
    for result in _enqueued():
        result.task.func(*result.args, **result.kwargs)


@pytest.fixture(autouse=True)
def _no_earlier_tasks():
    default_task_backend.clear()
    yield
    default_task_backend.clear()


def test_a_whatsapp_export_is_read_once_the_report_is_an_incident(
    make_report, supervisor, django_capture_on_commit_callbacks
):
    report = make_report(
        files=[upload("WhatsApp Chat with dave_k.txt", CHAT_EXPORT), upload("shot.png", PNG)]
    )
    chat = EvidenceItem.objects.get(kind=EvidenceKind.CHAT_EXPORT)
    assert not _enqueued()  # nothing is read while the report is only a report
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.convert_report(report, user=supervisor, **incident_fields())
    report.refresh_from_db()
    assert report.status == ReportStatus.CONVERTED
    # One task, for the chat only (not the screenshot), enqueued after the decision committed.
    assert [r.args for r in _enqueued()] == [[chat.pk]]
    assert not ParsedConversation.objects.exists()

    _run_enqueued()
    parsed = ParsedConversation.objects.get()
    assert parsed.item == chat
    chat.refresh_from_db()
    assert chat.incident == incident and chat.kind == EvidenceKind.CHAT_EXPORT
    assert parsed.format == "whatsapp" and parsed.message_count == 4
    assert set(parsed.participants) == {"Jess", "dave_k"}
    assert chat.chat_parse_problem == ""


def test_running_the_task_twice_makes_one_conversation(make_report, supervisor):
    report = make_report(files=[upload("chat.txt", CHAT_EXPORT)])
    services.convert_report(report, user=supervisor, **incident_fields())
    item = EvidenceItem.objects.get()
    assert read_chat_export.func(item.pk) is True
    assert read_chat_export.func(item.pk) is False
    assert ParsedConversation.objects.filter(item=item).count() == 1
    item.refresh_from_db()
    assert item.chat_parse_problem == ""


def test_a_corrupt_chat_file_keeps_the_exhibit_and_records_why(
    make_report, supervisor, django_capture_on_commit_callbacks
):
    garbage = b"this is not a conversation at all\njust some words\n"
    report = make_report(files=[upload("chat.txt", garbage)])
    item = EvidenceItem.objects.get()
    before = (item.sha256, item.kind, item.original_filename, item.description)
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.convert_report(report, user=supervisor, **incident_fields())
    _run_enqueued()  # does not raise: the triage decision stands
    report.refresh_from_db()
    assert report.status == ReportStatus.CONVERTED
    item.refresh_from_db()
    assert not ParsedConversation.objects.filter(item=item).exists()
    assert item.incident == incident
    assert (item.sha256, item.kind, item.original_filename, item.description) == before
    assert item.chat_parse_problem  # the parser's own message
    assert "chat" in item.chat_parse_problem.lower() or "format" in item.chat_parse_problem.lower()


def test_the_exhibit_page_shows_why_a_chat_was_not_read(make_report, supervisor, client_as):
    report = make_report(files=[upload("chat.txt", b"nothing like a chat\n")])
    services.convert_report(report, user=supervisor, **incident_fields())
    item = EvidenceItem.objects.get()
    read_chat_export.func(item.pk)
    item.refresh_from_db()
    page = client_as("supervisor").get(reverse("evidence:detail", args=[item.exhibit_ref]))
    assert page.status_code == 200
    assert (
        f"Not read as a chat export on arrival: {item.chat_parse_problem}" in page.content.decode()
    )


def test_linking_to_an_incident_also_reads_the_chat(
    make_report, safeguarding_officer, make_user, django_capture_on_commit_callbacks
):
    report = make_report(files=[upload("chat.txt", CHAT_EXPORT)])
    incident = create_incident(user=make_user("analyst"), **incident_fields())
    with django_capture_on_commit_callbacks(execute=True):
        services.link_report(report, user=safeguarding_officer, incident=incident)
    _run_enqueued()
    assert ParsedConversation.objects.get().item.incident == incident
