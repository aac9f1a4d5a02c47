# The group register (Group, GroupAlias, PlatformAccount) now belongs to the groups app
# (groups 0001), with the same tables. Once every field pointing at it has moved over, the
# intelligence app lets go of the models in Django's state; the database is not touched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
        ("incidents", "0003_groups_register_moved"),
        ("intake", "0002_groups_register_moved"),
        ("intelligence", "0001_initial"),
        ("takedown", "0004_groups_register_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="intelligenceentry",
                    name="group",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="intelligence",
                        to="groups.group",
                    ),
                ),
                migrations.DeleteModel(name="GroupAlias"),
                migrations.DeleteModel(name="PlatformAccount"),
                migrations.DeleteModel(name="Group"),
            ],
            database_operations=[],
        ),
    ]
