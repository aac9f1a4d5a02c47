"""Evidence 0007: conversations read before export artefacts were moved out of the text are
read again from their stored files; what cannot be read again is kept and marked."""

import pytest

from drachma.evidence.models import ParsedConversation
from drachma.evidence.store import get_store
from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("evidence", "0006_custody_workflow"), ("accounts", "0001_initial")]

EXPORT = (
    "12/03/2021, 18:06 - \u202a+44 7700 900123\u202c: see you at 5  \n"
    "12/03/2021, 18:07 - Sam Hunter: IMG-20210312-WA0007.jpg (file attached)\n"
    "the gate\n"
    "12/03/2021, 18:08 - Sam Hunter: on my way <This message was edited>\n"
).encode()


@pytest.fixture
def old(transactional_db):
    yield migrate_to(BEFORE)
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_conversations_are_read_again_and_a_missing_file_is_kept_and_marked(old):
    blob = get_store().put([EXPORT])
    Stored = old.get_model("evidence", "StoredFile")
    Item = old.get_model("evidence", "EvidenceItem")
    Parsed = old.get_model("evidence", "ParsedConversation")
    readable = Stored.objects.create(sha256=blob.sha256, size=blob.size)
    missing = Stored.objects.create(sha256="f" * 64, size=10)

    def row(stored, ref):
        item = Item.objects.create(
            stored_file=stored,
            exhibit_ref=ref,
            original_filename=f"{ref}.txt",
            kind="chat_export",
            received_from_type="group",
            received_via="upload",
            review_date="2030-01-01",
        )
        # As the parser before it left them: the marks were part of the sender and the text.
        return Parsed.objects.create(
            item=item,
            format="whatsapp",
            zone_name="Europe/London",
            zone_source="default",
            participants=["\u202a+44 7700 900123\u202c", "Sam Hunter"],
            message_count=3,
            quality={"old": True},
        ).pk

    readable_pk, missing_pk = row(readable, "EX-T-1"), row(missing, "EX-T-2")

    migrate_to_latest()

    again = ParsedConversation.objects.get(pk=readable_pk)
    assert again.text_as_written and again.rederive_problem == ""
    assert again.participants == ["+44 7700 900123", "Sam Hunter"]
    assert again.message_count == 3
    assert "old" not in again.quality and again.quality["message_count"] == 3
    # The marks around the number were in the sender, not the text: the sender loses them.
    assert again.artefact_counts == {
        "trailing_whitespace": 1,
        "attachment_markers": 1,
        "edited_marker": 1,
    }

    kept = ParsedConversation.objects.get(pk=missing_pk)
    assert not kept.text_as_written
    assert kept.rederive_problem.startswith("The stored file could not be read again")
    assert kept.quality == {"old": True} and kept.message_count == 3
