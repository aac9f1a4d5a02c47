"""docs/personal-data.md is the register of every personal field: it must name each field the
models mark as personal (``personal_fields`` on a Drachma model, ``THIRD_PARTY_PERSONAL_FIELDS``
for the others), name no field that no longer exists, and for each say its purpose, who sees
it (the permission and exactly the roles it is granted to, or "Nobody" for what only the
system uses) and when it goes.

A field the models do not mark is caught too when its name or its target says it holds
personal data (a name, a contact detail, an identifier, free text, a link to a person):
it must be marked, or listed below as reviewed and not personal, with the reason."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from drachma.accounts.roles import collected_grants
from drachma.core.personal import personal_fields
from drachma.core.roles import Role

REGISTER = Path(__file__).resolve().parents[2] / "docs" / "personal-data.md"
FIELD = re.compile(r"`([a-z_]+\.[a-z0-9_]+\.[a-z0-9_]+)`")
PERMISSION = re.compile(r"`([a-z_]+\.[a-z0-9_]+)`")
ROLE = re.compile(r"\b(" + "|".join(Role.values) + r")\b")

# Names that say a field may hold personal data (whole words of the field's name).
LOOKS_PERSONAL = re.compile(
    r"(^|_)(name|names|known|email|phone|phones|address|postcode|birth|handle|handles|url|"
    r"links|text|note|notes|description|summary|reason|rationale|outcome|raw|normalized|"
    r"identifier|participants|message|answer|party|holder|filename|actor|ip|person|suspect|"
    r"member|repr|changes|path|received|username|collar|place|latitude|longitude|account)($|_)"
)

# Fields whose names look personal, reviewed and found not to be (the reason beside each).
REVIEWED_NOT_PERSONAL = {
    "cases.material.third_party_request": "the request the material came from (its own fields are)",
    "cases.thirdpartyrequest.holder_kind": "a group, a platform or an agency: a kind, no one",
    "cases.thirdpartyrequest.answer_kind": "provided, partly, refused or not held",
    "cases.thirdpartyrequest.received": "exhibits (their own fields are personal, and listed)",
    # Workflow and register bookkeeping, about no one.
    "statistics.foirequest.received_on": "when an FOI request arrived",
    "rights.rightsrequest.received_on": "when a rights request arrived (the deadline runs from it)",
    "rights.rightsrequestitem.outcome": "a choice: rectified, erased or restricted",
    "statistics.foirequest.answer": "published figures, after the small-number rule",
    "statistics.foiexemption.reason": "why an FOI exemption applies (the law, not a person)",
    "takedown.hashlistimport.file_name": "the name of a hash-list file another body sent",
    "evidence.parsedconversation.text_as_written": "whether a parse kept the text as written",
    "safeguarding.escalation.reason": "the ladder's rule that escalated an action",
    # Reference data and configuration, about no one.
    "areas.borough.name": "a borough",
    "areas.ward.name": "a ward",
    "areas.district.name": "a force district",
    "areas.district.description": "a force district",
    "takedown.matchbank.name": "a configured hash bank",
    "takedown.matchbank.description": "a configured hash bank",
    "accounts.apitoken.name": "a label the user gives a token",
    # Groups are organisations: their names and aliases are what they publish.
    "groups.group.name": "an organisation's public name",
    "groups.groupalias.name": "an organisation's public name",
    "groups.group.home_area_text": "an area an organisation operates in",
    # Bookkeeping and system text.
    "core.notification.link": "a page address inside Drachma (references only)",
    "takedown.mediahash.false_match_reason": "why two hashes are not the same picture",
    "takedown.takedownrequest.removed_by": "who removed content: the platform or the group",
    "takedown.publicationrecord.found_by_description": "a system label for a sweep",
    "evidence.evidenceitem.received_from_type": "a category (public, group, platform)",
    "evidence.evidenceitem.received_at": "a time",
    "evidence.evidenceitem.received_via": "a channel (upload, the reporting page)",
    "incidents.incident.received_at": "a time",
    "evidence.parsedconversation.message_count": "a count",
    "evidence.parsedconversation.zone_name": "a time zone",
    "retention.retentiondecision.outcome": "retain or dispose",
    "intake.reportmatch.account": "a link to a group's account (whose handle is registered)",
    "intake.reportfile.quarantine_reason": "why a file was quarantined (the rule that applied)",
}
# Every workflow's ``by_description``: a system label where no user acted ("the public
# reporting page", "the removal of stale reports"), never a person.
NOT_PERSONAL_NAMES = {"by_description"}


def register_rows(text: str | None = None) -> list[dict]:
    """The register's table rows that name fields: their cells, and the fields named."""
    if text is None:
        text = REGISTER.read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        fields = FIELD.findall(cells[0])
        if fields:
            rows.append({"line": number, "cells": cells, "fields": fields})
    return rows


def listed(text: str | None = None) -> dict[str, int]:
    return {name: row["line"] for row in register_rows(text) for name in row["fields"]}


def marked() -> set[str]:
    return {f"{label}.{name}" for label, names in personal_fields().items() for name in names}


def model_field(dotted: str):
    app_label, model_name, field_name = dotted.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    try:
        return model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return None


def test_every_marked_field_exists():
    missing = sorted(name for name in marked() if model_field(name) is None)
    assert missing == [], f"personal_fields name fields that do not exist: {missing}"


def test_every_personal_field_is_in_the_register():
    missing = sorted(marked() - set(listed()))
    assert missing == [], f"personal fields missing from docs/personal-data.md: {missing}"


def test_the_register_names_no_field_that_is_gone_or_unmarked():
    gone = sorted(
        f"{name} (line {line})" for name, line in listed().items() if not model_field(name)
    )
    assert gone == [], f"docs/personal-data.md names fields that no longer exist: {gone}"
    unmarked = sorted(set(listed()) - marked())
    assert unmarked == [], (
        f"docs/personal-data.md names fields that their models do not mark personal: {unmarked}"
    )


def row_problems(text: str | None = None) -> list[str]:
    grants = collected_grants()
    problems = []
    for row in register_rows(text):
        cells, where = row["cells"], f"line {row['line']}"
        if len(cells) != 5:
            problems.append(f"{where}: {len(cells)} columns, not 5")
            continue
        _fields, what, purpose, seen_by, goes = cells
        for label, text in (("what", what), ("purpose", purpose), ("when it goes", goes)):
            if len(text) < 4:
                problems.append(f"{where}: no {label}")
        parts = [p for p in seen_by.split(";") if p.strip()]
        if seen_by.startswith("Nobody"):
            continue  # held for the system alone (the rate limit's hash)
        if not any(PERMISSION.search(p) for p in parts):
            problems.append(f"{where}: 'seen by' names no permission")
        for part in parts:
            perm = PERMISSION.search(part)
            if perm is None:
                continue
            roles = set(ROLE.findall(part))
            granted = grants.get(perm.group(1))
            if granted is None:
                problems.append(f"{where}: {perm.group(1)} is granted to no role")
            elif roles != granted:
                problems.append(
                    f"{where}: {perm.group(1)} is granted to {sorted(granted)}, "
                    f"the register says {sorted(roles)}"
                )
    return problems


def test_each_row_says_purpose_who_sees_it_and_when_it_goes():
    problems = row_problems()
    assert problems == [], "\n".join(problems)


def _drachma_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("drachma."):
            continue
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if not f.primary_key:
                yield model, f


def test_no_field_that_looks_personal_is_left_unmarked():
    """A new field called ``witness_name``, or a new link to a person, fails here until it is
    marked (and so registered) or reviewed as not personal."""
    user_model = settings.AUTH_USER_MODEL.lower()
    found = marked()
    unreviewed = []
    for model, f in _drachma_fields():
        dotted = f"{model._meta.label_lower}.{f.name}"
        if dotted in found or dotted in REVIEWED_NOT_PERSONAL or f.name in NOT_PERSONAL_NAMES:
            continue
        if isinstance(f, models.DateTimeField):
            continue  # when something happened ("keep_reason_at"), not about whom
        target = f.related_model._meta.label_lower if f.is_relation and f.related_model else ""
        if target == user_model:
            continue  # staff as actors: one rule for all, in the register's "Staff" section
        if target == "people.person" or LOOKS_PERSONAL.search(f.name):
            unreviewed.append(dotted)
    assert unreviewed == [], (
        "fields that look personal are neither marked (personal_fields) nor reviewed as not "
        f"personal (REVIEWED_NOT_PERSONAL): {sorted(unreviewed)}"
    )


def test_the_reviewed_list_is_current():
    stale = sorted(name for name in REVIEWED_NOT_PERSONAL if model_field(name) is None)
    assert stale == [], f"REVIEWED_NOT_PERSONAL names fields that no longer exist: {stale}"
    both = sorted(set(REVIEWED_NOT_PERSONAL) & marked())
    assert both == [], f"reviewed as not personal yet marked personal: {both}"


def test_the_checks_catch_a_field_left_out_and_a_field_gone():
    """The register with the postcode's row taken out and a row for a field that does not
    exist: both are found."""
    text = REGISTER.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "`people.person.postcode`" not in line]
    lines.append(
        "| `people.person.shoe_size` | Shoe size | None | `people.view_person`: "
        "safeguarding_officer, investigator, disclosure_officer, supervisor | Never |"
    )
    edited = listed("\n".join(lines))
    assert "people.person.postcode" in marked() - set(edited)
    assert [name for name in edited if model_field(name) is None] == ["people.person.shoe_size"]


def test_the_checks_catch_roles_that_differ_from_the_grants():
    text = REGISTER.read_text(encoding="utf-8").replace(
        "`people.view_person_identifiers`: safeguarding_officer, investigator, supervisor",
        "`people.view_person_identifiers`: analyst, investigator, supervisor",
    )
    problems = row_problems(text)
    assert len(problems) == 1 and "people.view_person_identifiers is granted to" in problems[0]
