"""The UK 3x5x2 grading: source evaluation 1-3, intelligence assessment A-E, handling code P/C
(C with its conditions written down); sanitised text for sharing; MoPI group and review date."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.core.models import default_review_date
from drachma.groups.services import save_group
from drachma.intelligence.models import (
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceEntry,
    SourceEvaluation,
)
from drachma.intelligence.services import update_entry
from tests.factories import ago, make_entry

pytestmark = pytest.mark.django_db

CONDITIONS = "Not to be shared outside the force without the FIB's consent."


def make(user, **overrides):
    fields = {
        "source_type": "open_source",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "text": "A group announced a sting.",
        "sanitised_text": "",
    }
    return make_entry(user, **{**fields, **overrides})


def test_the_codes_are_those_of_the_3x5x2_model():
    assert SourceEvaluation.values == ["1", "2", "3"]
    assert dict(SourceEvaluation.choices)["1"] == "1: reliable"
    assert dict(SourceEvaluation.choices)["2"] == "2: untested"
    assert dict(SourceEvaluation.choices)["3"] == "3: not reliable"
    assert IntelligenceAssessment.values == ["A", "B", "C", "D", "E"]
    assert dict(IntelligenceAssessment.choices) == {
        "A": "A: known directly to the source",
        "B": "B: known indirectly but corroborated",
        "C": "C: known indirectly",
        "D": "D: not known",
        "E": "E: suspected to be false",
    }
    assert HandlingCode.values == ["P", "C"]


@pytest.mark.parametrize(
    ("source", "assessment", "handling"),
    list(itertools.product("123", "ABCDE", "PC")),
)
def test_every_one_of_the_30_gradings_is_accepted_and_written_as_a_code(
    make_user, source, assessment, handling
):
    entry = make(
        make_user("analyst"),
        source_evaluation=source,
        intelligence_assessment=assessment,
        handling_code=handling,
        handling_conditions=CONDITIONS if handling == "C" else "",
    )
    assert entry.grading == f"{source}{assessment}{handling}"
    assert str(entry) == f"{entry.reference} ({source}{assessment}{handling})"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source_evaluation", "4"),
        ("source_evaluation", "A"),
        ("source_evaluation", ""),
        ("intelligence_assessment", "F"),
        ("intelligence_assessment", "1"),
        ("intelligence_assessment", ""),
        ("handling_code", "X"),
        ("handling_code", "H"),
        ("handling_code", ""),
    ],
)
def test_a_code_outside_the_model_is_refused_naming_the_field(make_user, field, value):
    with pytest.raises(ValidationError) as exc:
        make(make_user("analyst"), **{field: value})
    assert field in exc.value.message_dict
    assert not IntelligenceEntry.objects.exists()


def test_handling_code_c_needs_its_conditions(make_user):
    user = make_user("analyst")
    for blank in ("", "   \n"):
        with pytest.raises(ValidationError) as exc:
            make(user, handling_code="C", handling_conditions=blank)
        assert exc.value.message_dict["handling_conditions"] == [
            "Handling code C needs the conditions written down."
        ]
    entry = make(user, handling_code="C", handling_conditions=CONDITIONS)
    assert entry.grading.endswith("C") and entry.handling_conditions == CONDITIONS


def test_handling_code_p_carries_no_conditions(make_user):
    with pytest.raises(ValidationError) as exc:
        make(make_user("analyst"), handling_code="P", handling_conditions=CONDITIONS)
    assert exc.value.message_dict["handling_conditions"] == [
        "Conditions apply only to handling code C."
    ]
    assert not IntelligenceEntry.objects.exists()


def test_changing_to_c_later_still_needs_conditions(make_user):
    user = make_user("analyst")
    entry = make(user)
    with pytest.raises(ValidationError) as exc:
        update_entry(entry, user=user, handling_code="C")
    assert "handling_conditions" in exc.value.message_dict
    entry.refresh_from_db()
    assert entry.handling_code == "P"


def test_an_older_5x5x5_grading_is_kept_as_received(make_user):
    entry = make(make_user("analyst"), legacy_grading="B24")
    assert entry.legacy_grading == "B24" and entry.grading == "2BP"


@pytest.mark.parametrize("bad", ["F24", "B64", "B2", "2BP"])
def test_a_malformed_5x5x5_grading_is_refused(make_user, bad):
    with pytest.raises(ValidationError) as exc:
        make(make_user("analyst"), legacy_grading=bad)
    assert "legacy_grading" in exc.value.message_dict


def test_sanitised_text_is_kept_apart_from_the_intelligence(make_user, client_as):
    user = make_user("analyst")
    entry = make(
        user,
        text="Source J. Bloggs (tel 07700 900123) says the group meets at 12 Mill Lane.",
        sanitised_text="A source says the group meets at an address in Rochdale.",
    )
    assert "Bloggs" not in entry.sanitised_text
    page = (
        client_as(user=user)
        .get(reverse("intelligence:entry_detail", args=[entry.pk]))
        .content.decode()
    )
    assert "Sanitised for sharing" in page
    assert "A source says the group meets at an address in Rochdale." in page


def test_oversize_text_is_refused(make_user):
    with pytest.raises(ValidationError) as exc:
        make(make_user("analyst"), text="x" * 20001)
    assert "text" in exc.value.message_dict


def test_learned_in_the_future_is_refused(make_user):
    with pytest.raises(ValidationError) as exc:
        make(make_user("analyst"), learned_at=timezone.now() + datetime.timedelta(days=1))
    assert "learned_at" in exc.value.message_dict


def test_reference_mopi_group_and_review_date(make_user):
    user = make_user("analyst")
    entry = make(user, mopi_group=3)
    assert entry.reference == f"INT-{timezone.localtime(entry.learned_at).year}-000001"
    assert entry.review_date == default_review_date(3)  # six clear years for group 3
    chosen = make(user, mopi_group=2, review_date=datetime.date(2030, 5, 1))
    assert chosen.review_date == datetime.date(2030, 5, 1)
    assert make(user).mopi_group == 4  # undetermined until assessed
    with pytest.raises(ValidationError) as exc:
        make(user, review_date=datetime.date(1999, 1, 1))
    assert "review_date" in exc.value.message_dict


def test_entry_form_shows_the_grading_errors_beside_the_fields(client_as):
    group = save_group(name="Red Rose Shield", status="active")
    client = client_as("analyst")
    response = client.post(
        reverse("intelligence:entry_create"),
        {
            "group": group.pk,
            "learned_at": "2024-03-01T19:00",
            "source_type": "officer",
            "source_evaluation": "2",
            "intelligence_assessment": "C",
            "handling_code": "C",
            "handling_conditions": "",
            "text": "Seen at a stream.",
            "mopi_group": "3",
            "incidents": "DR-2024-999999",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["incidents"] == ["Unknown incident references: DR-2024-999999."]
    assert not IntelligenceEntry.objects.exists()
    response = client.post(
        reverse("intelligence:entry_create"),
        {
            "group": group.pk,
            "learned_at": "2024-03-01T19:00",
            "source_type": "officer",
            "source_evaluation": "2",
            "intelligence_assessment": "C",
            "handling_code": "C",
            "handling_conditions": "",
            "text": "Seen at a stream.",
            "mopi_group": "3",
        },
    )
    assert response.context["form"].errors["handling_conditions"] == [
        "Handling code C needs the conditions written down."
    ]
    assert 'id="id_handling_conditions_error"' in response.content.decode()
    assert not IntelligenceEntry.objects.exists()


def test_entry_form_records_graded_intelligence_linked_to_incidents(client_as, make_user):
    from drachma.incidents.services import create_incident

    analyst = make_user("analyst")
    group = save_group(name="Red Rose Shield", status="active")
    incident = create_incident(
        user=analyst,
        occurred_at=ago(days=1) - datetime.timedelta(days=1),
        source="group",
        kind="online_sting",
        summary="s",
        place="Leeds",
    )
    client = client_as(user=analyst)
    response = client.post(
        reverse("intelligence:entry_create"),
        {
            "group": group.pk,
            "learned_at": timezone.localtime(ago(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "source_type": "open_source",
            "source_description": "Public live stream",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "C",
            "handling_conditions": CONDITIONS,
            "text": "A sting was announced.",
            "sanitised_text": "A sting was announced.",
            "mopi_group": "3",
            "incidents": incident.reference.lower(),
        },
    )
    entry = IntelligenceEntry.objects.get()
    assert response.url == reverse("intelligence:entry_detail", args=[entry.pk])
    assert entry.grading == "2BC" and list(entry.incidents.all()) == [incident]
    assert entry.status == "requires_assessment" and entry.created_by == analyst
    page = client.get(response.url).content.decode()
    assert "<code>2BC</code>" in page and CONDITIONS.replace("'", "&#x27;") in page

    # Edited while open; listed and filtered by status.
    edit = reverse("intelligence:entry_edit", args=[entry.pk])
    form = client.get(edit)
    assert incident.reference in form.content.decode()
    listing = client.get(reverse("intelligence:entry_list"), {"status": "requires_assessment"})
    assert [e.pk for e in listing.context["page_obj"]] == [entry.pk]
    assert (
        not client.get(reverse("intelligence:entry_list"), {"status": "linked"})
        .context["page_obj"]
        .object_list
    )
