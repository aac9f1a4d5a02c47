"""Signal handlers that keep MonthlyCount in step with every change to an incident."""

from collections import Counter

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from drachma.statistics import rollup


def _before(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.pk is None or instance._state.adding:
        instance._stats_before = Counter()
        return
    values, groups = rollup.incident_values(instance.pk)
    instance._stats_before = rollup.contributions(values, groups)


def _after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_stats_before", Counter())
    values, groups = rollup.incident_values(instance.pk)
    after = rollup.contributions(values, groups)
    after.subtract(before)
    rollup.apply(after)


def _after_delete(sender, instance, **kwargs):
    before = getattr(instance, "_stats_before", None)
    if before is None:
        return
    negative = Counter({k: -n for k, n in before.items()})
    rollup.apply(negative)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from drachma.incidents.models import Incident

    if action not in {
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    }:
        return
    incident_ids = list(pk_set or []) if reverse else [instance.pk]
    if reverse and action.endswith("clear"):
        incident_ids = (
            list(
                Incident.groups.through.objects.filter(group_id=instance.pk).values_list(
                    "incident_id", flat=True
                )
            )
            if action == "pre_clear"
            else getattr(instance, "_stats_cleared", [])
        )
        if action == "pre_clear":
            instance._stats_cleared = incident_ids
    state = getattr(instance, "_stats_m2m", {})
    if action.startswith("pre_"):
        for pk in incident_ids:
            state[pk] = rollup.contributions(*rollup.incident_values(pk))
        instance._stats_m2m = state
        return
    for pk in incident_ids:
        after = rollup.contributions(*rollup.incident_values(pk))
        after.subtract(state.pop(pk, Counter()))
        rollup.apply(after)


def connect() -> None:
    from drachma.incidents.models import Incident

    pre_save.connect(_before, sender=Incident, dispatch_uid="stats-pre-save")
    post_save.connect(_after_save, sender=Incident, dispatch_uid="stats-post-save")
    pre_delete.connect(_before, sender=Incident, dispatch_uid="stats-pre-delete")
    post_delete.connect(_after_delete, sender=Incident, dispatch_uid="stats-post-delete")
    m2m_changed.connect(
        _groups_changed, sender=Incident.groups.through, dispatch_uid="stats-groups"
    )
