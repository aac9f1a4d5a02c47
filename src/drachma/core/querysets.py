"""The base queryset of Drachma's models: bulk writes are audited like single saves.

Saves and deletes of audited models are recorded by the audit app's save and delete
handlers. ``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` send no such signals,
so without this class a bulk write would change audited rows and leave no trace. Here each
bulk write records one audit entry naming every row it changed, with old and new values.
(``QuerySet.delete()`` already sends a delete signal per row.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import FieldError, PermissionDenied
from django.db import models, transaction

from drachma.core import auditing

M = TypeVar("M", bound=models.Model)
F = TypeVar("F", bound=Callable[..., Any])

# SQLite's limit on a statement's parameters is 32,766 in current releases; stay well below.
CHUNK = 5000


def _stored(f: models.Field, value: Any) -> Any:
    """What the database holds after ``f`` is set to ``value`` (a related record: its key)."""
    if f.is_relation and isinstance(value, models.Model):
        return value.pk
    return f.to_python(value) if value is not None else None


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    """The field ``name`` of ``model`` that is a column of its table: FieldError for a
    relation seen from the other side, a many-to-many or a generic foreign key."""
    f = model._meta.get_field(name)
    if not isinstance(f, models.Field) or not f.concrete or f.many_to_many:
        raise FieldError(
            f"{model.__name__}.{name} ({name!r}) is not a column of its table: only fields and "
            "foreign keys are."
        )
    return f


def alters_data(method: F) -> F:
    """Mark an overriding queryset method as writing, as Django marks its own (the override
    does not inherit the mark), so that a template never calls it."""
    method.__dict__["alters_data"] = True  # a function's attributes live in its __dict__
    return method


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class AuditedQuerySet(models.QuerySet[M]):
    _audit_how: str = ""

    def audited_as(self, how: str) -> AuditedQuerySet[M]:
        """Name the bulk write in its audit entry ("deadline sweep")."""
        clone = self.all()
        clone._audit_how = how
        return clone

    def _clone(self) -> AuditedQuerySet[M]:
        clone = super()._clone()  # type: ignore[misc]  # django-stubs omits QuerySet._clone
        clone._audit_how = self._audit_how
        return clone

    def _audited_values(self, pks: Sequence[Any]) -> dict[Any, dict[str, Any]]:
        fields = auditing.audited_fields(self.model)
        names = [f.attname for f in fields]
        rows: dict[Any, dict[str, Any]] = {}
        for chunk in _chunks(pks):
            for row in (
                self.model._base_manager.using(self.db).filter(pk__in=chunk).values("pk", *names)
            ):
                rows[row["pk"]] = {f.name: auditing.field_value(f, row[f.attname]) for f in fields}
        return rows

    def _record_changes(
        self, before: dict[Any, dict[str, Any]], pks: Sequence[Any], how: str
    ) -> None:
        after = self._audited_values(pks)
        rows = {pk: auditing.diff(before.get(pk, {}), after[pk]) for pk in after}
        auditing.record_bulk(self.model, "update", {pk: c for pk, c in rows.items() if c}, how=how)

    def _refuse_state(self, names: Iterable[str]) -> None:
        from drachma.core.workflow import STATE_FIELDS

        state_field = STATE_FIELDS.get(self.model)
        if state_field is not None and state_field in set(names):
            raise PermissionDenied(
                f"{self.model.__name__}.{state_field} changes only through its workflow, "
                "not a bulk write."
            )

    @alters_data
    def update(self, **kwargs: Any) -> int:
        self._refuse_state(kwargs)
        if not auditing.is_audited(self.model):
            return super().update(**kwargs)
        fields = [concrete_field(self.model, name) for name in kwargs]
        audited = [f for f in fields if f.name not in auditing.NOISE_FIELDS]
        with transaction.atomic(using=self.db, savepoint=False):
            # The rows and their old values are read (and locked, where the database can)
            # before the write, so the entry names exactly the rows changed.
            before = {
                row["pk"]: row
                for row in self.select_for_update().values("pk", *(f.attname for f in audited))
            }
            pks = list(before)
            count = 0
            for chunk in _chunks(pks):
                count += models.QuerySet.update(
                    self.model._base_manager.using(self.db).filter(pk__in=chunk), **kwargs
                )
            if any(hasattr(v, "resolve_expression") for v in kwargs.values()):
                # F() and other expressions: the new values are the database's to say.
                after = self._stored_values(pks, audited)
            else:
                new = {f.attname: _stored(f, kwargs[f.name]) for f in audited}
                after = {pk: new for pk in pks}
            rows = {}
            for pk in pks:
                change = {
                    f.name: [
                        auditing.field_value(f, before[pk][f.attname]),
                        auditing.field_value(f, after[pk][f.attname]),
                    ]
                    for f in audited
                }
                change = {k: v for k, v in change.items() if v[0] != v[1]}
                if change:
                    rows[pk] = change
            auditing.record_bulk(self.model, "update", rows, how=self._audit_how or "update")
        return count

    def _stored_values(self, pks: Sequence[Any], fields: Sequence[models.Field]) -> dict[Any, dict]:
        rows: dict[Any, dict] = {}
        for chunk in _chunks(pks):
            manager = self.model._base_manager.using(self.db)
            for row in manager.filter(pk__in=chunk).values("pk", *(f.attname for f in fields)):
                rows[row["pk"]] = row
        return rows

    @alters_data
    def bulk_update(
        self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        fields = list(fields)  # read twice below: a generator would be empty the second time
        self._refuse_state(fields)
        if not auditing.is_audited(self.model):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        objs = list(objs)
        pks = [o.pk for o in objs]
        with transaction.atomic(using=self.db, savepoint=False):
            before = self._audited_values(pks)
            # A plain queryset: Django's bulk_update calls update(), which here would record
            # the same rows a second time.
            plain: models.QuerySet[M] = models.QuerySet(self.model, using=self.db)
            count = plain.bulk_update(objs, fields, batch_size=batch_size)
            self._record_changes(before, pks, self._audit_how or "bulk update")
        return count

    @alters_data
    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        if not auditing.is_audited(self.model):
            return super().bulk_create(objs, *args, **kwargs)
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            # The rows written could not be named: refuse rather than write unrecorded.
            raise ValueError(
                f"{self.model.__name__} is audited: bulk_create with conflicts handling "
                "cannot say which rows it wrote."
            )
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            auditing.record_bulk(
                self.model,
                "create",
                {
                    o.pk: {
                        k: [None, v]
                        for k, v in auditing.snapshot(o).items()
                        if v not in (None, "", [], {})
                    }
                    for o in created
                },
                how=self._audit_how or "bulk create",
            )
        return created


class AuditedManager(models.Manager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """The default manager of Drachma's models (see ``core.models``)."""
