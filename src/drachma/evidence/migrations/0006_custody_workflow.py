# The chain of custody moves onto the one workflow apply (core.workflow): a custody event
# takes the shared shape of every workflow's events (core.models.WorkflowEvent) - its kind
# becomes its transition, and it gains the states before and after it - and the exhibit keeps
# where its chain stands and who holds it. Both are worked out here from the events already
# recorded, replaying each chain in order with the rules the services used, so every row is
# kept and reads as it did.

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The custody state after each kind of event (evidence.workflow.CUSTODY, at this migration).
TARGET = {
    "received": "received",
    "logged": "in_custody",
    "transferred": "in_custody",
    "examined": "in_custody",
    "copied": "in_custody",
    "returned": "returned",
    "disposed": "disposed",
}
STORE_HOLDER = "the force's evidence store"
BATCH = 500


def replay_chains(apps, schema_editor):
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    CustodyEvent = apps.get_model("evidence", "CustodyEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Account = apps.get_model("accounts", "Account")
    collars = dict(Account.objects.values_list("user_id", "collar_number"))
    names = {}

    def person_name(user_id):
        """As evidence.services.person_name named a user at this migration."""
        if user_id is None:
            return ""
        if user_id not in names:
            user = User.objects.get(pk=user_id)
            full = f"{user.first_name} {user.last_name}".strip() or user.username
            collar = collars.get(user_id) or ""
            names[user_id] = f"{full} ({collar})" if collar else full
        return names[user_id]

    events, items = [], []
    chains = {}
    for event in CustodyEvent.objects.order_by("item_id", "at", "pk").iterator():
        state, holder = chains.get(event.item_id, ("not_received", ""))
        event.from_state = "" if event.item_id not in chains else state
        state = TARGET[event.transition]
        event.to_state = state
        if event.transition == "received":
            holder = event.to_party or person_name(event.by_id) or STORE_HOLDER
        elif event.transition in ("transferred", "returned"):
            holder = event.to_party
        elif event.transition == "disposed":
            holder = ""
        chains[event.item_id] = (state, holder)
        events.append(event)
        if len(events) >= BATCH:
            CustodyEvent.objects.bulk_update(events, ["from_state", "to_state"])
            events = []
    CustodyEvent.objects.bulk_update(events, ["from_state", "to_state"])
    for item in EvidenceItem.objects.filter(pk__in=list(chains)).iterator():
        item.custody_state, item.custody_holder = chains[item.pk]
        items.append(item)
        if len(items) >= BATCH:
            EvidenceItem.objects.bulk_update(items, ["custody_state", "custody_holder"])
            items = []
    EvidenceItem.objects.bulk_update(items, ["custody_state", "custody_holder"])


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0005_publication_log_moved_to_takedown"),
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("custodyevent", "kind", "transition"),
        migrations.AlterField(
            model_name="custodyevent",
            name="transition",
            field=models.CharField(
                choices=[
                    ("received", "Received"),
                    ("logged", "Logged"),
                    ("transferred", "Transferred"),
                    ("examined", "Examined"),
                    ("copied", "Copied"),
                    ("returned", "Returned"),
                    ("disposed", "Disposed"),
                ],
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name="custodyevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=30, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="custodyevent",
            name="to_state",
            field=models.CharField(max_length=30, default=""),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="by_description",
            field=models.CharField(
                blank=True,
                help_text="Who acted, where no user did (a scheduled sweep).",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="note",
            field=models.TextField(blank=True, max_length=5000),
        ),
        migrations.AddField(
            model_name="evidenceitem",
            name="custody_state",
            field=models.CharField(
                choices=[
                    ("not_received", "Not yet received"),
                    ("received", "Received, not yet logged"),
                    ("in_custody", "In custody"),
                    ("returned", "Returned"),
                    ("disposed", "Disposed of"),
                ],
                default="not_received",
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="evidenceitem",
            name="custody_holder",
            field=models.CharField(
                "held by",
                blank=True,
                editable=False,
                help_text="Who holds the exhibit now, by the chain of custody.",
                max_length=200,
            ),
        ),
        migrations.RunPython(replay_chains, migrations.RunPython.noop),
    ]
