# Chat messages' text is now what the person wrote: the export's artefacts (direction marks,
# attachment markers, the edit marker, trailing whitespace) are moved out of it into each
# message's artefacts. The messages are not stored (they are read again from the exhibit's
# stored file each time), so they change by themselves; what a conversation row keeps from
# the reading - participants, message count, the quality report - is read again here from the
# stored file with the row's own options, and the new counts of artefacts added. A row whose
# file cannot be read again keeps everything it had, is marked text_as_written=False, and says
# why in rederive_problem; nothing else is lost.

import datetime
import json

from django.db import migrations, models


def reread(apps, schema_editor):
    ParsedConversation = apps.get_model("evidence", "ParsedConversation")
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    rows = list(ParsedConversation.objects.select_related("item__stored_file"))
    if not rows:
        return
    # Imported only when there is something to read again: the parser is pure Python.
    from drachma.evidence.chats import ChatParseError, parse_chat_bytes, quality_report
    from drachma.evidence.store import get_store

    store = get_store()
    for row in rows:
        item = row.item
        try:
            with store.open(item.stored_file.sha256) as f:
                data = f.read()
            conversation = parse_chat_bytes(
                data,
                name=item.original_filename,
                timezone=row.zone_name if row.zone_source == "caller" else None,
                max_bytes=None,
                date_order=row.date_order or "auto",
            )
        except (OSError, ChatParseError, ValueError) as exc:
            row.text_as_written = False
            row.rederive_problem = f"The stored file could not be read again: {exc}"[:2000]
            row.save(update_fields=["text_as_written", "rederive_problem"])
            continue
        supplied = []
        if item.incident_id is not None:
            supplied = list(
                EvidenceItem.objects.filter(incident_id=item.incident_id)
                .exclude(pk=item.pk)
                .values_list("original_filename", flat=True)
            )
        report = quality_report(
            conversation,
            gap_threshold=datetime.timedelta(hours=row.gap_threshold_hours),
            supplied_files=supplied,
        )
        row.participants = list(conversation.participants)
        row.message_count = len(conversation.messages)
        row.locale = conversation.locale or ""
        row.zone_assumed = conversation.zone_assumed
        row.quality = json.loads(json.dumps(report.to_dict(), default=str))
        row.artefact_counts = conversation.artefact_counts()
        row.text_as_written = True
        row.rederive_problem = ""
        row.save()


class Migration(migrations.Migration):
    dependencies = [("evidence", "0006_custody_workflow")]

    operations = [
        migrations.AddField(
            model_name="parsedconversation",
            name="artefact_counts",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text=(
                    "Messages per kind of export artefact moved out of their text "
                    "(direction_marks, attachment_markers, edited_marker, trailing_whitespace, "
                    "empty_body_marker) and messages from unknown senders (unknown_sender)."
                ),
            ),
        ),
        migrations.AddField(
            model_name="parsedconversation",
            name="text_as_written",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "The messages were read with export artefacts moved out of their text. "
                    "False for a conversation read before that and not yet read again (see "
                    "rederive_problem)."
                ),
            ),
        ),
        migrations.AddField(
            model_name="parsedconversation",
            name="rederive_problem",
            field=models.TextField(
                blank=True,
                help_text="Why reading the stored file again (evidence migration 0007) failed.",
                max_length=2000,
            ),
        ),
        migrations.RunPython(reread, migrations.RunPython.noop),
    ]
