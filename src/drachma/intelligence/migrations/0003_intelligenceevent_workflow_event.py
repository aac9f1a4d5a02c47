# An entry's history takes the shared shape of every workflow's events
# (core.models.WorkflowEvent): the same field names and note limit as the others. The rows are
# kept as they were (every one of them was taken by a user).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intelligence", "0002_group_register_moved_to_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("intelligenceevent", "from_status", "from_state"),
        migrations.RenameField("intelligenceevent", "to_status", "to_state"),
        migrations.AlterField(
            model_name="intelligenceevent",
            name="transition",
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name="intelligenceevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name="intelligenceevent",
            name="to_state",
            field=models.CharField(max_length=30),
        ),
        migrations.AddField(
            model_name="intelligenceevent",
            name="by_description",
            field=models.CharField(
                blank=True,
                help_text="Who acted, where no user did (a scheduled sweep).",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="intelligenceevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="intelligenceevent",
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
            model_name="intelligenceevent",
            name="note",
            field=models.TextField(blank=True, max_length=5000),
        ),
    ]
