"""People: subjects confronted by groups, their families, group members, witnesses, children."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.choices import Platform
from drachma.core.identifiers import IdentifierKind, normalise_identifier
from drachma.core.models import AuditedModel, ReviewableRecord, TimeStampedModel

VULNERABILITY_FLAGS = {
    "flag_learning_disability": "Learning disability",
    "flag_mental_ill_health": "Mental ill health",
    "flag_self_harm": "Previous self-harm",
    "flag_children_in_household": "Children in the household",
    "flag_other": "Other vulnerability",
}


class Person(ReviewableRecord):
    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = (
        "given_names",
        "family_name",
        "known_as",
        "date_of_birth",
        "address",
        "postcode",
        "flag_learning_disability",
        "flag_mental_ill_health",
        "flag_self_harm",
        "flag_children_in_household",
        "flag_other",
        "flag_other_text",
        "notes",
        "merged_into",
    )

    given_names = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    known_as = models.CharField("also known as", max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True, max_length=500)
    postcode = models.CharField(max_length=10, blank=True)
    flag_learning_disability = models.BooleanField("learning disability", default=False)
    flag_mental_ill_health = models.BooleanField("mental ill health", default=False)
    flag_self_harm = models.BooleanField("previous self-harm", default=False)
    flag_children_in_household = models.BooleanField("children in the household", default=False)
    flag_other = models.BooleanField("other vulnerability", default=False)
    flag_other_text = models.CharField("other vulnerability (describe)", max_length=300, blank=True)
    notes = models.TextField(blank=True, max_length=5000)
    # Set when a supervisor merged this record into another (``people.merging``); the record
    # stays, so the merge can be undone, but nothing new is linked to it.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "people"
        permissions = [
            ("view_person_identifiers", "Can see a person's address and date of birth"),
            ("merge_person", "Can merge duplicate people and undo a merge"),
        ]
        indexes = [models.Index(fields=["family_name", "given_names"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def age_on(self, day) -> int | None:
        """The person's age in whole years on ``day``, or None without a date of birth."""
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def vulnerabilities(self) -> list[str]:
        labels = [label for name, label in VULNERABILITY_FLAGS.items() if getattr(self, name)]
        if self.flag_other and self.flag_other_text:
            labels[-1] = f"Other: {self.flag_other_text}"
        return labels

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors = exc.message_dict
        # Every problem at once, so the form shows each beside its field.
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = ["The date of birth is in the future."]
        if self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = ["The date of birth is before 1900."]
        if self.flag_other and not self.flag_other_text.strip():
            errors["flag_other_text"] = ["Describe the other vulnerability."]
        if errors:
            raise ValidationError(errors)


class PersonIdentifier(TimeStampedModel):
    """A phone number, e-mail address, handle or profile URL a person is known by, in its one
    spelling (``core.identifiers``), with where it came from."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("person", "value", "normalized", "source")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    value = models.CharField("as given", max_length=500)
    # Indexed: "already known?" looks identifiers up by it (and by trigrams on PostgreSQL,
    # migration 0003).
    normalized = models.CharField(max_length=500, db_index=True, editable=False)
    source = models.CharField(
        "where it came from",
        max_length=300,
        help_text="The record it was found in (a report, an incident, an exhibit) or who gave it.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "normalized"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "platform", "normalized"],
                name="unique_identifier_per_person",
            )
        ]
        indexes = [models.Index(fields=["kind", "normalized"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.normalized}"

    def clean(self) -> None:
        super().clean()
        try:
            found = normalise_identifier(self.kind, self.value, self.platform)
        except ValueError as exc:
            raise ValidationError({"value": str(exc)}) from None
        self.platform, self.normalized = found.platform, found.value
        if not self.source.strip():
            raise ValidationError({"source": "Say where the identifier came from."})


class PersonMerge(AuditedModel):
    """One merge of a duplicate record into the one that survives, with every link it moved,
    so that undoing it puts back exactly those links."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("survivor", "merged", "reason", "undo_reason")

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_gone")
    reason = models.TextField(max_length=2000)
    # [[app_label.Model, pk, field name], ...]: the rows whose link moved to the survivor.
    moved = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"merge of person {self.merged_id} into person {self.survivor_id}"
