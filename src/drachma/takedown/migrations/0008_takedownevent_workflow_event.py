# A takedown request's history takes the shared shape of every workflow's events
# (core.models.WorkflowEvent). Its columns already had the shared names: only their lengths
# widen and the time gains an index, so every row is kept as it was.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('takedown', '0007_matchable_hash'),
    ]

    operations = [
        migrations.AlterField(
            model_name='takedownevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='takedownevent',
            name='by_description',
            field=models.CharField(blank=True, help_text='Who acted, where no user did (a scheduled sweep).', max_length=200),
        ),
        migrations.AlterField(
            model_name='takedownevent',
            name='from_state',
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AlterField(
            model_name='takedownevent',
            name='to_state',
            field=models.CharField(max_length=30),
        ),
        migrations.AlterField(
            model_name='takedownevent',
            name='transition',
            field=models.CharField(max_length=40),
        ),
    ]
