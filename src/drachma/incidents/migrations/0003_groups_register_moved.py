# Incident.groups now points at groups.Group: the same table (intelligence_group) and the same
# link table, so only Django's state changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
        ("incidents", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="incident",
                    name="groups",
                    field=models.ManyToManyField(
                        blank=True, related_name="incidents", to="groups.group"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
