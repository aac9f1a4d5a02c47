# The triage and referral histories take the shared shape of every workflow's events
# (core.models.WorkflowEvent): the same field names and note limit as the others. The rows are
# kept; an event with no user was taken by the public reporting page, and now says so.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

REPORTING_PAGE = "the public reporting page"


def name_the_reporting_page(apps, schema_editor):
    for name in ("ReportEvent", "ReferralEvent"):
        # A plain queryset: historical models have no custom managers, and events are
        # written once (this fills a new column, it changes nothing that was recorded).
        apps.get_model("intake", name)._base_manager.filter(by__isnull=True).update(
            by_description=REPORTING_PAGE
        )


def _shared_shape(model_name: str) -> list:
    return [
        migrations.RenameField(model_name, "from_status", "from_state"),
        migrations.RenameField(model_name, "to_status", "to_state"),
        migrations.AlterField(
            model_name=model_name, name="transition", field=models.CharField(max_length=40)
        ),
        migrations.AlterField(
            model_name=model_name,
            name="from_state",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name=model_name, name="to_state", field=models.CharField(max_length=30)
        ),
        migrations.AddField(
            model_name=model_name,
            name="by_description",
            field=models.CharField(
                blank=True,
                help_text="Who acted, where no user did (a scheduled sweep).",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="note",
            field=models.TextField(blank=True, max_length=5000),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_groups_register_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The triage history called its step a "decision"; every workflow calls it a transition.
        migrations.RenameField("reportevent", "decision", "transition"),
        *_shared_shape("reportevent"),
        *_shared_shape("referralevent"),
        migrations.RunPython(name_the_reporting_page, migrations.RunPython.noop),
    ]
