# An incident's status changes only through its workflow (incidents.workflow.INCIDENT):
# each change is an IncidentEvent; a supervisor's permission to reopen a closed incident.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0003_groups_register_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='incident',
            options={'ordering': ['-occurred_at'], 'permissions': [('reopen_incident', 'Can reopen a closed incident')]},
        ),
        migrations.CreateModel(
            name='IncidentEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('transition', models.CharField(max_length=40)),
                ('from_state', models.CharField(blank=True, max_length=30)),
                ('to_state', models.CharField(max_length=30)),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('by_description', models.CharField(blank=True, help_text='Who acted, where no user did (a scheduled sweep).', max_length=200)),
                ('note', models.TextField(blank=True, max_length=5000)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='incidents.incident')),
            ],
            options={
                'ordering': ['at', 'pk'],
                'abstract': False,
            },
        ),
    ]
