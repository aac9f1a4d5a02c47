# The publication log (PublicationRecord) moves from the evidence app to takedown, whose footage
# it links. Its table keeps its name (Meta.db_table), so this only takes the model over in
# Django's state; the database is not touched. evidence 0005 lets go of it.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        # On a new database, evidence 0002 and 0003 make the table this takes over.
        ("evidence", "0004_exhibit_chat_parse_problem"),
        ("incidents", "0003_groups_register_moved"),
        ("takedown", "0004_groups_register_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PublicationRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("url", models.URLField(max_length=1000, verbose_name="URL")),
                        (
                            "platform",
                            models.CharField(
                                choices=[
                                    ("facebook", "Facebook"),
                                    ("youtube", "YouTube"),
                                    ("tiktok", "TikTok"),
                                    ("x", "X (Twitter)"),
                                    ("instagram", "Instagram"),
                                    ("snapchat", "Snapchat"),
                                    ("telegram", "Telegram"),
                                    ("whatsapp", "WhatsApp"),
                                    ("twitch", "Twitch"),
                                    ("other", "Other"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("description", models.TextField(blank=True, max_length=2000)),
                        ("found_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("found_by_description", models.CharField(blank=True, max_length=200)),
                        (
                            "still_online",
                            models.CharField(
                                choices=[
                                    ("yes", "Yes"),
                                    ("no", "No, taken down or removed"),
                                    ("unknown", "Not known"),
                                ],
                                default="unknown",
                                max_length=8,
                            ),
                        ),
                        (
                            "checked_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="When 'still online' was last checked.",
                                null=True,
                            ),
                        ),
                        ("takedown_reference", models.CharField(blank=True, max_length=40)),
                        (
                            "content_item",
                            models.ForeignKey(
                                blank=True,
                                help_text=(
                                    "The footage record in takedown, found from the reference "
                                    "or the address."
                                ),
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="publications",
                                to="takedown.contentitem",
                            ),
                        ),
                        (
                            "found_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="publications",
                                to="incidents.incident",
                            ),
                        ),
                        (
                            "item",
                            models.ForeignKey(
                                blank=True,
                                help_text="The exhibit capturing what was published, if one was taken.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="publications",
                                to="evidence.evidenceitem",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "evidence_publicationrecord",
                        "ordering": ["incident", "found_at", "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
