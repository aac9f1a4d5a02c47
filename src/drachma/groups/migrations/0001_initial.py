# The group register moves from the intelligence app to its own app. Its tables keep their
# names (Meta.db_table), so this only takes the models over in Django's state; the database
# is not touched. intelligence 0002 lets go of them once every field pointing at them has
# been moved over (incidents 0003, intake 0002, takedown 0004).

import django.db.models.deletion
from django.db import migrations, models

import drachma.core.validators


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("areas", "0002_load_greater_manchester"),
        # On a new database, intelligence 0001 makes the tables this takes over.
        ("intelligence", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Group",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "mopi_group",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "Group 1: certain public protection matters"),
                                    (2, "Group 2: other sexual, violent or serious offences"),
                                    (3, "Group 3: all other offences"),
                                    (4, "Group 4: undetermined / not yet assessed"),
                                ],
                                default=4,
                                verbose_name="MoPI group",
                            ),
                        ),
                        (
                            "review_date",
                            models.DateField(
                                blank=True,
                                help_text="When the record must next be reviewed for retention.",
                            ),
                        ),
                        ("name", models.CharField(max_length=120, unique=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("active", "Active"),
                                    ("dormant", "Dormant"),
                                    ("disbanded", "Disbanded"),
                                ],
                                default="active",
                                max_length=12,
                            ),
                        ),
                        (
                            "home_area_text",
                            models.CharField(
                                blank=True,
                                max_length=200,
                                verbose_name="home area (outside Greater Manchester)",
                            ),
                        ),
                        ("description", models.TextField(blank=True, max_length=5000)),
                        (
                            "home_borough",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="areas.borough",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "intelligence_group",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="GroupAlias",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120)),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="aliases",
                                to="groups.group",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "group aliases",
                        "db_table": "intelligence_groupalias",
                        "ordering": ["name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("group", "name"), name="unique_group_alias"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PlatformAccount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
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
                        ("handle", models.CharField(max_length=120)),
                        (
                            "url",
                            models.URLField(
                                blank=True,
                                max_length=500,
                                validators=[drachma.core.validators.validate_http_url],
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="accounts",
                                to="groups.group",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "intelligence_platformaccount",
                        "ordering": ["platform", "handle"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("platform", "handle"), name="unique_platform_handle"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
