"""The OpenAPI document names each schema once: django-ninja keys components by class name,
so two apps' ``ItemOut`` would share one entry and one app's answers would be documented (and
checked by clients) against the other's schema."""

from collections import defaultdict

from ninja import Schema

from drachma.api import api


def _schemas(cls=Schema):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("drachma."):
            yield sub
        yield from _schemas(sub)


def test_every_api_schema_has_its_own_name():
    api.get_openapi_schema()  # every router's schemas imported
    modules = defaultdict(set)
    for schema in _schemas():
        modules[schema.__name__].add(schema.__module__)
    shared = {name: sorted(m) for name, m in modules.items() if len(m) > 1}
    assert not shared, f"schema names declared in several modules: {shared}"


# A step's note is kept on the shared WorkflowEvent; the API must take as much as the event
# keeps (the copies had drifted to 2,000 in some apps and 5,000 in others). Only the apps with
# a workflow (a `workflow.py`) take step notes; notes stored on their own record, not on a
# workflow event, have that record's own limit.
NOT_A_STEP_NOTE = {
    # the notes of a hearing, a charge result, an incident's outcome and a prosecutor's notice:
    # their own, not a step's (cases' one workflow is the disclosure schedule's)
    "CaseHearingIn",
    "CaseResultIn",
    "HearingForm",
    "ResultForm",
    "OutcomeForm",
    "NoticeForm",
    # a linked case's, a time entry's, a match review's and a record link's own note
    "LinkedCaseIn",
    "LinkedCaseForm",
    "TimeIn",
    "TimeForm",
    "ReviewIn",
    "ReviewForm",
    "LinkIn",
    "LinkForm",
}


def _app(module: str) -> str:
    return module.split(".")[1]


def _workflow_apps() -> set[str]:
    from drachma.core.registry import app_modules

    return {_app(module.__name__) for module in app_modules("workflow")}


def test_every_step_note_in_the_api_takes_what_the_workflow_event_keeps():
    from drachma.core.workflow import NOTE_MAX_LENGTH

    components = api.get_openapi_schema()["components"]["schemas"]
    in_workflow_apps = {s.__name__ for s in _schemas() if _app(s.__module__) in _workflow_apps()}
    notes = {
        name: schema["properties"]["note"]
        for name, schema in components.items()
        if "note" in schema.get("properties", {})
        and name.endswith("In")
        and name in in_workflow_apps
    }
    assert len(notes) >= 6, sorted(notes)
    wrong = {
        name: note.get("maxLength")
        for name, note in notes.items()
        if name not in NOT_A_STEP_NOTE and note.get("maxLength") != NOTE_MAX_LENGTH
    }
    assert not wrong, wrong


def test_every_step_note_on_the_pages_takes_what_the_workflow_event_keeps():
    from django import forms as django_forms

    from drachma.core.registry import app_modules
    from drachma.core.workflow import NOTE_MAX_LENGTH

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    list(app_modules("forms"))  # every app's forms imported
    checked, wrong = [], {}
    for form in subclasses(django_forms.Form):
        if not form.__module__.startswith("drachma.") or form.__name__ in NOT_A_STEP_NOTE:
            continue
        if _app(form.__module__) not in _workflow_apps():
            continue
        field = form.base_fields.get("note")
        if isinstance(field, django_forms.CharField):
            checked.append(form.__name__)
            if field.max_length != NOTE_MAX_LENGTH:
                wrong[f"{form.__module__}.{form.__name__}"] = field.max_length
    assert len(checked) >= 4, checked
    assert not wrong, wrong
