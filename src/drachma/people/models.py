"""People: subjects confronted by groups, their families, group members, witnesses, children."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.models import ReviewableRecord

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

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "people"
        permissions = [
            ("view_person_identifiers", "Can see a person's address and date of birth"),
        ]
        indexes = [models.Index(fields=["family_name", "given_names"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

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
