"""Bulk writes on audited models are recorded like single saves (``core.querysets``)."""

import pytest

from drachma.audit.models import AuditEntry
from drachma.people.models import Person


@pytest.fixture
def people(db):
    return [
        Person.objects.create(given_names=f"Alex{i}", family_name="Tester", notes="first")
        for i in range(3)
    ]


def _bulk_entries(how):
    return AuditEntry.objects.filter(model="people.person", object_repr=how)


def test_a_bulk_update_names_every_row_with_old_and_new_values(people):
    changed = Person.objects.filter(pk__in=[p.pk for p in people[:2]]).update(notes="second")
    assert changed == 2
    entry = _bulk_entries("update").get()
    assert entry.action == "update"
    assert entry.changes["rows"] == {str(p.pk): {"notes": ["first", "second"]} for p in people[:2]}


def test_a_bulk_update_with_an_expression_records_what_the_database_wrote(people):
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    Person.objects.filter(pk=people[0].pk).update(notes=Concat(F("notes"), Value("!")))
    entry = _bulk_entries("update").get()
    assert entry.changes["rows"] == {str(people[0].pk): {"notes": ["first", "first!"]}}


def test_a_bulk_update_that_changes_nothing_records_nothing(people):
    Person.objects.filter(pk=people[0].pk).update(notes="first")
    assert not _bulk_entries("update").exists()


def test_a_named_bulk_write_says_what_it_was(people):
    Person.objects.filter(pk=people[0].pk).audited_as("tidy-up").update(notes="tidied")
    assert _bulk_entries("tidy-up").get().changes["rows"][str(people[0].pk)] == {
        "notes": ["first", "tidied"]
    }


def test_bulk_create_and_bulk_update_are_recorded(db):
    made = Person.objects.bulk_create(
        [Person(given_names="Sam", family_name="One", review_date="2030-01-01")]
    )
    created = _bulk_entries("bulk create").get()
    assert created.action == "create"
    assert created.changes["rows"][str(made[0].pk)]["given_names"] == [None, "Sam"]
    made[0].notes = "changed in bulk"
    Person.objects.bulk_update(made, ["notes"])
    updated = _bulk_entries("bulk update").get()
    assert updated.changes["rows"][str(made[0].pk)] == {"notes": ["", "changed in bulk"]}


def test_bulk_update_takes_its_field_names_from_any_iterable(people, monkeypatch):
    from drachma.core.workflow import STATE_FIELDS

    # As on a model with a workflow: the names are checked against its state field first,
    # which must not use up a generator before the write.
    monkeypatch.setitem(STATE_FIELDS, Person, "review_date")
    people[0].notes = "from a generator"
    Person.objects.bulk_update(people[:1], (name for name in ["notes"]))
    people[0].refresh_from_db()
    assert people[0].notes == "from a generator"
    assert _bulk_entries("bulk update").get().changes["rows"] == {
        str(people[0].pk): {"notes": ["first", "from a generator"]}
    }


def test_a_bulk_update_of_a_reverse_relation_is_refused_naming_it(people):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError, match="'involvements'"):
        Person.objects.filter(pk=people[0].pk).update(involvements=None)
    assert not _bulk_entries("update").exists()


def test_bulk_create_that_cannot_name_its_rows_is_refused(db):
    with pytest.raises(ValueError, match="cannot say which rows"):
        Person.objects.bulk_create(
            [Person(given_names="A", family_name="B")], ignore_conflicts=True
        )
    assert not Person.objects.exists()


def test_every_audited_model_writes_in_bulk_through_the_audited_queryset():
    from django.apps import apps

    from drachma.core.auditing import is_audited
    from drachma.core.querysets import AuditedQuerySet

    unguarded = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("drachma.")
        and is_audited(model)
        and not isinstance(model._default_manager.all(), AuditedQuerySet)
    ]
    assert unguarded == []


def test_the_audited_bulk_writes_stay_marked_as_writes_for_templates():
    from django.template import Context, Template

    from drachma.core.querysets import AuditedQuerySet

    assert all(
        getattr(AuditedQuerySet, name).alters_data
        for name in ("update", "bulk_update", "bulk_create")
    )
    # A template that names the method gets nothing, rather than running the write.
    rendered = Template("{{ people.update }}").render(Context({"people": Person.objects.all()}))
    assert rendered == ""
