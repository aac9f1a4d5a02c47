"""Cases: a prosecution from charge to result, its defendants, charges, hearings and results,
the outcome of incidents that ended without a charge, and what was published about a
defendant while proceedings were active.

A case's stage (awaiting charge, charged, convicted, acquitted, collapsed) is not a stored
state: it is read from its charges and their results (``Case.stage``), so it can never
disagree with them. Whether proceedings are active is ``proceedings.py``'s.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.cases import outcomes
from drachma.cases.urn import validate_urn
from drachma.core.models import AuditedModel, ReviewableRecord, WorkflowEvent
from drachma.core.validators import text_length_errors
from drachma.evidence.models import ProsecutorDecision


class CustodyStatus(models.TextChoices):
    NOT_ARRESTED = "not_arrested", "Not arrested (voluntary interview or summons)"
    PRE_CHARGE_BAIL = "pre_charge_bail", "On police bail before charge"
    RELEASED_UNDER_INVESTIGATION = "rui", "Released under investigation (no bail)"
    POLICE_BAIL = "police_bail", "Bailed to court by the police"
    COURT_BAIL = "court_bail", "On court bail"
    REMANDED = "remanded", "Remanded in custody"
    UNCONDITIONAL = "unconditional", "Unconditional bail"


# Released otherwise than on bail (Contempt of Court Act 1981, Schedule 1, paragraph 7(a)).
RELEASED_WITHOUT_BAIL = (CustodyStatus.RELEASED_UNDER_INVESTIGATION,)
WITH_CONDITIONS = (
    CustodyStatus.PRE_CHARGE_BAIL,
    CustodyStatus.POLICE_BAIL,
    CustodyStatus.COURT_BAIL,
)


class HearingKind(models.TextChoices):
    FIRST_APPEARANCE = "first_appearance", "First appearance"
    PTPH = "ptph", "Plea and trial preparation hearing"
    TRIAL = "trial", "Trial"
    SENTENCE = "sentence", "Sentence"


class Result(models.TextChoices):
    GUILTY_PLEA = "guilty_plea", "Guilty plea"
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    DISCONTINUED = "discontinued", "Discontinued"
    DISMISSED = "dismissed", "Dismissed"
    STAYED = "stayed", "Stayed"
    WITHDRAWN = "withdrawn", "Withdrawn"


GUILTY = (Result.GUILTY_PLEA, Result.CONVICTED)
VERDICTS = (Result.GUILTY_PLEA, Result.CONVICTED, Result.ACQUITTED)
# Endings without a verdict: each records why, so that collapses can be counted.
WITHOUT_VERDICT = (Result.DISCONTINUED, Result.DISMISSED, Result.STAYED, Result.WITHDRAWN)


class CollapseReason(models.TextChoices):
    EVIDENCE_EXCLUDED = "evidence_excluded", "Evidence excluded"
    DISCLOSURE_FAILURE = "disclosure_failure", "Disclosure failure"
    PREJUDICIAL_PUBLICATION = "prejudicial_publication", "Prejudicial publication"
    UNRELIABLE_GROUP_EVIDENCE = "unreliable_group_evidence", "Unreliable group evidence"
    ABUSE_OF_PROCESS = "abuse_of_process", "Abuse of process"
    PUBLIC_INTEREST = "public_interest", "Public interest"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    AWAITING_CHARGE = "awaiting_charge", "Awaiting charge"
    CHARGED = "charged", "Charged"
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    COLLAPSED = "collapsed", "Collapsed"


class Case(ReviewableRecord):
    """A prosecution case, known by its CPS URN."""

    personal_fields = ("prosecutor_name", "prosecutor_contact", "summary")
    urn = models.CharField(
        "URN",
        max_length=11,
        unique=True,
        validators=[validate_urn],
        help_text="The CPS unique reference number, for example 06AB1234526.",
    )
    officer_in_case = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_as_oic"
    )
    disclosure_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_as_disclosure"
    )
    prosecutor_name = models.CharField("reviewing prosecutor", max_length=200)
    prosecutor_contact = models.CharField(
        "prosecutor's contact",
        max_length=300,
        help_text="How to reach the reviewing prosecutor: a CPS e-mail address or telephone.",
    )
    incidents = models.ManyToManyField("incidents.Incident", blank=True, related_name="cases")
    exhibits = models.ManyToManyField("evidence.EvidenceItem", blank=True, related_name="cases")
    intelligence = models.ManyToManyField(
        "intelligence.IntelligenceEntry", blank=True, related_name="cases"
    )
    summary = models.TextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("record_result", "Can record results, sentences and endings of charges"),
            ("view_case_figures", "Can see case figures (no names)"),
            (
                "manage_disclosure",
                "Can record a case's disclosure: material, MG6E candidates, third-party "
                "requests, the Disclosure Management Document",
            ),
        ]

    def __str__(self) -> str:
        return self.urn

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors = dict(exc.message_dict)
        if self.prosecutor_name is not None and not self.prosecutor_name.strip():
            errors["prosecutor_name"] = "Name the reviewing prosecutor."
        if self.prosecutor_contact is not None and not self.prosecutor_contact.strip():
            errors["prosecutor_contact"] = "Give the reviewing prosecutor's contact."
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        """ "R v Smith and Jones": the case as the court names it."""
        names = [d.person.family_name for d in self.defendants.all()]
        if not names:
            return f"Case {self.urn}"
        if len(names) == 1:
            return f"R v {names[0]}"
        return f"R v {', '.join(names[:-1])} and {names[-1]}"

    @property
    def stage(self) -> str:
        """Where the case stands, read from its charges and their results."""
        charges = [c for d in self.defendants.all() for c in d.charges.all()]
        if not charges:
            return Stage.AWAITING_CHARGE
        results = [getattr(c, "result", None) for c in charges]
        if any(r is None for r in results):
            return Stage.CHARGED
        kinds = {r.result for r in results if r is not None}
        if kinds & set(GUILTY):
            return Stage.CONVICTED
        if Result.ACQUITTED in kinds:
            return Stage.ACQUITTED
        return Stage.COLLAPSED

    def get_stage_display(self) -> str:
        return Stage(self.stage).label

    @property
    def collapse_reasons(self) -> list[str]:
        return sorted(
            {
                c.result.get_collapse_reason_display()
                for d in self.defendants.all()
                for c in d.charges.all()
                if getattr(c, "result", None) is not None and c.result.collapse_reason
            }
        )


class Defendant(AuditedModel):
    """A person prosecuted in a case: arrest, interview, bail or remand, sentence."""

    personal_fields = ("person", "bail_conditions", "sentence")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="defendants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    arrested_at = models.DateTimeField("arrested", null=True, blank=True)
    interviewed_at = models.DateTimeField("interviewed", null=True, blank=True)
    warrant_issued_at = models.DateTimeField("warrant for arrest issued", null=True, blank=True)
    summons_issued_at = models.DateTimeField("summons issued", null=True, blank=True)
    custody_status = models.CharField(
        "bail or remand",
        max_length=16,
        choices=CustodyStatus.choices,
        default=CustodyStatus.NOT_ARRESTED,
    )
    custody_since = models.DateTimeField("bail or remand since", null=True, blank=True)
    bail_conditions = models.TextField(blank=True, max_length=2000)
    sentenced_on = models.DateField("sentenced", null=True, blank=True)
    sentence = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_defendant_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.case.urn})"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = text_length_errors(self)
        now = timezone.now() + datetime.timedelta(minutes=1)
        for name in ("arrested_at", "interviewed_at", "warrant_issued_at", "summons_issued_at"):
            value = getattr(self, name)
            if value and value > now:
                errors[name] = "This time is in the future."
        if self.custody_since and self.custody_since > now:
            errors["custody_since"] = "This time is in the future."
        if self.custody_status == CustodyStatus.REMANDED and not self.custody_since:
            errors["custody_since"] = "Give the date and time of the remand."
        if self.custody_status in RELEASED_WITHOUT_BAIL and not self.custody_since:
            errors["custody_since"] = "Give the date and time of the release."
        if self.custody_since and self.arrested_at and self.custody_since < self.arrested_at:
            errors["custody_since"] = "Bail, remand or release cannot come before the arrest."
        if self.custody_status in (*RELEASED_WITHOUT_BAIL, CustodyStatus.PRE_CHARGE_BAIL) and (
            not self.arrested_at
        ):
            errors["custody_status"] = "Record the arrest before release or bail after arrest."
        if self.custody_status in WITH_CONDITIONS and not self.bail_conditions.strip():
            errors["bail_conditions"] = "Write the bail conditions (or choose unconditional bail)."
        if self.custody_status not in WITH_CONDITIONS and self.bail_conditions.strip():
            errors["bail_conditions"] = "Only bail with conditions has conditions."
        if self.sentenced_on and not self.sentence.strip():
            errors["sentence"] = "Write the sentence."
        if errors:
            raise ValidationError(errors)


class Charge(AuditedModel):
    """One charge against a defendant."""

    personal_fields = ("wording",)
    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="charges")
    wording = models.TextField("offence wording", max_length=2000)
    legislation = models.CharField(
        max_length=300, help_text="The Act and section, e.g. Sexual Offences Act 2003, s.15A."
    )
    ho_offence_code = models.CharField(
        "Home Office offence classification",
        max_length=10,
        blank=True,
        help_text="The Home Office offence code where known, e.g. 088/01.",
    )
    charged_on = models.DateField("charged")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["charged_on", "pk"]

    def __str__(self) -> str:
        return f"{self.legislation}: {self.wording[:60]}"

    def clean(self) -> None:
        import re

        super().clean()
        errors: dict[str, Any] = text_length_errors(self)
        if self.wording is not None and not self.wording.strip():
            errors["wording"] = "Write the offence as charged."
        if self.legislation is not None and not self.legislation.strip():
            errors["legislation"] = "Name the legislation (Act and section)."
        code = (self.ho_offence_code or "").strip()
        if code and not re.fullmatch(r"\d{1,3}[A-Z]?/\d{1,2}", code):
            errors["ho_offence_code"] = (
                f"{code!r} is not a Home Office offence code: give the class and subclass, "
                "for example 088/01."
            )
        if self.charged_on and self.charged_on > timezone.localdate():
            errors["charged_on"] = "The charge date is in the future."
        if errors:
            raise ValidationError(errors)


class Hearing(AuditedModel):
    """A listing of a defendant's case at court."""

    personal_fields = ("note",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="hearings")
    court = models.CharField(max_length=200)
    at = models.DateTimeField("date and time")
    kind = models.CharField("type", max_length=20, choices=HearingKind.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.court}"

    @property
    def is_ahead(self) -> bool:
        return self.at > timezone.now()


class ChargeResult(AuditedModel):
    """How one charge ended; an ending without a verdict says why."""

    personal_fields = ("result", "collapse_reason", "note")
    charge = models.OneToOneField(Charge, on_delete=models.CASCADE, related_name="result")
    result = models.CharField(max_length=14, choices=Result.choices)
    decided_on = models.DateField("date")
    collapse_reason = models.CharField(max_length=26, choices=CollapseReason.choices, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_result_display()} ({self.charge})"

    @property
    def is_verdict(self) -> bool:
        return self.result in VERDICTS

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = text_length_errors(self)
        if self.result in WITHOUT_VERDICT and not self.collapse_reason:
            errors["collapse_reason"] = (
                f"Say why the charge ended without a verdict ({self.get_result_display().lower()})."
            )
        if self.result in VERDICTS and self.collapse_reason:
            errors["collapse_reason"] = "A verdict or plea has no collapse reason."
        if self.collapse_reason == CollapseReason.OTHER and not self.note.strip():
            errors["note"] = "Describe the other reason."
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = "The date is in the future."
        if self.decided_on and self.charge_id and self.decided_on < self.charge.charged_on:
            errors["decided_on"] = "The result cannot come before the charge."
        if errors:
            raise ValidationError(errors)


def _validate_outcome_code(value: str) -> None:
    outcome = outcomes.by_code(value)
    if outcome is None:
        raise ValidationError(
            f"{value!r} is not a Home Office crime outcome type (1 to 22).", code="unknown"
        )
    if outcome.charge:
        raise ValidationError(
            "Outcome 1 is a charge: record the case and its charges instead.", code="charge"
        )


class IncidentOutcome(AuditedModel):
    """An incident that ended without a charge, with its Home Office outcome type."""

    personal_fields = ("outcome", "note")
    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="crime_outcome"
    )
    outcome = models.CharField(
        "Home Office outcome", max_length=3, validators=[_validate_outcome_code]
    )
    decided_on = models.DateField("date")
    note = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        found = outcomes.by_code(self.outcome)
        return f"{self.incident}: {found or self.outcome}"

    @property
    def outcome_label(self) -> str:
        found = outcomes.by_code(self.outcome)
        return str(found) if found else self.outcome

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = text_length_errors(self)
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = "The date is in the future."
        if errors:
            raise ValidationError(errors)


class ExposureKind(models.TextChoices):
    PUBLICATION = "publication", "Publication logged"
    CAPTURE = "capture", "New capture of footage"
    REUPLOAD = "reupload", "Re-upload found by matching"


class ExposureLink(models.TextChoices):
    INCIDENT = "incident", "Through the incident"
    FOOTAGE = "footage", "Through the footage (an exhibit of the case)"
    GROUP = "group", "Through the group"


class Exposure(AuditedModel):
    """Something published about a defendant, checked against active proceedings: the case's
    publication log for the prosecutor."""

    personal_fields = ("url",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exposures")
    defendant = models.ForeignKey(Defendant, on_delete=models.CASCADE, related_name="exposures")
    kind = models.CharField(max_length=12, choices=ExposureKind.choices)
    link = models.CharField("concerns the defendant", max_length=10, choices=ExposureLink.choices)
    found_at = models.DateTimeField()
    url = models.CharField("address", max_length=2000, blank=True)
    publication = models.ForeignKey(
        "takedown.PublicationRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content_item = models.ForeignKey(
        "takedown.ContentItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    match = models.ForeignKey(
        "takedown.ContentMatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    during_active_proceedings = models.BooleanField(default=False)
    active_since = models.DateTimeField(null=True, blank=True)
    takedown_reference = models.CharField(max_length=40, blank=True)
    takedown_action = models.CharField(
        max_length=20,
        blank=True,
        help_text="What the monitor did in takedown: opened a request, or raised one to urgent.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["found_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case.urn}"


class ProsecutorNotice(AuditedModel):
    """A due action: tell the reviewing prosecutor of a publication during active proceedings."""

    personal_fields = ("note",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="prosecutor_notices")
    exposure = models.OneToOneField(Exposure, on_delete=models.CASCADE, related_name="notice")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField("due")
    done_at = models.DateTimeField("prosecutor told", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"Tell the prosecutor of {self.exposure}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


# --- Disclosure per case (docs/cases.md, "Disclosure") ------------------------------------


class MaterialStatus(models.TextChoices):
    UNDECIDED = "undecided", "Not yet decided"
    SCHEDULED = "scheduled", "Scheduled"
    WITHDRAWN = "withdrawn", "Withdrawn (not relevant)"


# The prosecutor's decisions on sensitive material (MG6D); the others are for MG6C.
SENSITIVE_DECISIONS = (ProsecutorDecision.AGREED_SENSITIVE, ProsecutorDecision.PII_APPLICATION)


class ScheduleKind(models.TextChoices):
    MG6C = "MG6C", "MG6C: schedule of relevant non-sensitive unused material"
    MG6D = "MG6D", "MG6D: schedule of relevant sensitive unused material"
    MG6E = "MG6E", "MG6E: disclosure officer's report"


class ScheduleState(models.TextChoices):
    """Where a version of a schedule stands (``workflow.SCHEDULE``)."""

    DRAFT = "draft", "Draft"
    CERTIFIED = "certified", "Certified"
    REVISED = "revised", "Revised (a later version replaces it)"


class HolderKind(models.TextChoices):
    GROUP = "group", "A group (online child abuse activist group)"
    PLATFORM = "platform", "A platform"
    AGENCY = "agency", "Another agency"


class RequestedMaterial(models.TextChoices):
    CHAT_LOGS = "chat_logs", "The complete chat logs"
    DEVICE = "device", "The device used"
    RAW_STREAM = "raw_stream", "The raw stream recordings"
    ACCOUNT_DATA = "account_data", "Account or subscriber records"
    RECORDS = "records", "Records held by the agency"
    OTHER = "other", "Other material"


class LegalRoute(models.TextChoices):
    """How material held by a platform is obtained: never an informal ask."""

    PRODUCTION_ORDER = "production_order", "Production order (PACE 1984, Schedule 1)"
    OPO = "opo", "Overseas production order (Crime (Overseas Production Orders) Act 2019)"
    MLA = "mla", "Mutual legal assistance request (Crime (International Co-operation) Act 2003)"
    EMERGENCY = "emergency", "Emergency disclosure request (risk to life)"
    PRESERVATION = "preservation", "Preservation request (pending a legal order)"


class RequestAnswer(models.TextChoices):
    PROVIDED = "provided", "Provided"
    PARTLY = "partly", "Partly provided"
    REFUSED = "refused", "Refused"
    NOT_HELD = "not_held", "Not held"


class CandidateKind(models.TextChoices):
    DELETED = "deleted", "Deleted messages"
    GAPS = "gaps", "Silent gaps"
    MEDIA = "media", "Media named but not supplied"
    FIRST_SENDER = "first_sender", "Who sent the first message"
    PARTIAL = "partial", "A partial export"


class CandidateState(models.TextChoices):
    PENDING = "pending", "Awaiting the disclosure officer"
    ACCEPTED = "accepted", "Accepted for the MG6E"
    DECLINED = "declined", "Declined"


class ThirdPartyRequest(AuditedModel):
    """A request for material held by someone else: a group, a platform, another agency.

    Recorded, never sent: nothing in Drachma flows back to a group, and a platform is asked
    through its legal route outside Drachma. ``number`` runs per case (TP1, TP2...)."""

    personal_fields = ("holder_name", "details", "reasons", "answer", "refusal_reason")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="third_party_requests")
    number = models.PositiveIntegerField(editable=False)
    holder_kind = models.CharField("held by", max_length=10, choices=HolderKind.choices)
    group = models.ForeignKey(
        "groups.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_name = models.CharField(
        "platform or agency",
        max_length=200,
        blank=True,
        help_text="The platform or agency asked (for a group, choose the group).",
    )
    legal_route = models.CharField(
        max_length=20, choices=LegalRoute.choices, blank=True, help_text="For a platform."
    )
    what = models.CharField("material asked for", max_length=15, choices=RequestedMaterial.choices)
    details = models.TextField("what exactly was asked for", max_length=2000, blank=True)
    reasons = models.TextField(
        "why it was asked for",
        max_length=2000,
        help_text="The reasonable line of enquiry it serves (a written reason is required).",
    )
    asked_on = models.DateField("asked")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_on = models.DateField("answered", null=True, blank=True)
    answer_kind = models.CharField(
        "answer", max_length=10, choices=RequestAnswer.choices, blank=True
    )
    answer = models.TextField("what the answer said", max_length=2000, blank=True)
    refusal_reason = models.TextField(max_length=2000, blank=True)
    received = models.ManyToManyField(
        "evidence.EvidenceItem", blank=True, related_name="third_party_requests"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_request_number_per_case")
        ]

    def __str__(self) -> str:
        return f"TP{self.number} ({self.case.urn}): {self.holder}"

    @property
    def reference(self) -> str:
        return f"TP{self.number}"

    @property
    def holder(self) -> str:
        group = self.group if self.group_id else None
        return str(group) if group is not None else self.holder_name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = text_length_errors(self)
        if self.holder_kind == HolderKind.GROUP:
            if not self.group_id:
                errors["group"] = "Choose the group the material was asked of."
            if self.legal_route:
                errors["legal_route"] = "A legal route is for a platform."
        elif self.holder_kind:
            if not (self.holder_name or "").strip():
                holder = "platform" if self.holder_kind == HolderKind.PLATFORM else "agency"
                errors["holder_name"] = f"Name the {holder} the material was asked of."
            if self.group_id:
                errors["group"] = "Only a request to a group names a group."
        if self.holder_kind == HolderKind.PLATFORM and not self.legal_route:
            errors["legal_route"] = "A platform is asked through a legal route: choose it."
        if self.holder_kind == HolderKind.AGENCY and self.legal_route:
            errors["legal_route"] = "A legal route is for a platform."
        if self.reasons is not None and not self.reasons.strip():
            errors["reasons"] = "Record why the material was asked for (the line of enquiry)."
        if self.what == RequestedMaterial.OTHER and not (self.details or "").strip():
            errors["details"] = "Say what was asked for."
        today = timezone.localdate()
        if self.asked_on and self.asked_on > today:
            errors["asked_on"] = "The date asked is in the future."
        if self.answer_kind and not self.answered_on:
            errors["answered_on"] = "Give the date of the answer."
        if self.answered_on and not self.answer_kind:
            errors["answer_kind"] = "Choose what the answer was."
        if self.answered_on and self.answered_on > today:
            errors["answered_on"] = "The date of the answer is in the future."
        if self.answered_on and self.asked_on and self.answered_on < self.asked_on:
            errors["answered_on"] = "The answer cannot come before the request."
        if self.answer_kind == RequestAnswer.REFUSED and not (self.refusal_reason or "").strip():
            errors["refusal_reason"] = "Record the reason given for the refusal."
        if self.answer_kind != RequestAnswer.REFUSED and (self.refusal_reason or "").strip():
            errors["refusal_reason"] = "Only a refusal has a reason for refusing."
        if errors:
            raise ValidationError(errors)


class Material(AuditedModel):
    """One item of relevant material on a case, as the disclosure officer schedules it.

    An exhibit (``item``), material that came in from a third-party request
    (``third_party_request``), or material held outside Drachma (described only). Unused
    material goes on MG6C (non-sensitive) or MG6D (sensitive); ``number`` runs consecutively
    across both schedules of the case, as the forms require. ``defendant`` is set only where
    the material concerns one defendant and not the others (the schedules then differ per
    defendant)."""

    personal_fields = ("description", "location", "sensitivity_reason", "mg6e_reason")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="material")
    defendant = models.ForeignKey(
        Defendant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="material",
        help_text="Only where the material concerns one defendant and not the others.",
    )
    number = models.PositiveIntegerField("item no.", editable=False)
    item = models.ForeignKey(
        "evidence.EvidenceItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_material",
    )
    third_party_request = models.ForeignKey(
        ThirdPartyRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="material",
    )
    description = models.TextField(
        max_length=2000,
        help_text="Clear enough for the prosecutor to decide whether to inspect; no abbreviations.",
    )
    location = models.CharField(max_length=200, blank=True, help_text="Where the material is held.")
    used = models.BooleanField(default=False, help_text="Used material is part of the case.")
    sensitive = models.BooleanField(default=False)
    sensitivity_reason = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=MaterialStatus.choices, default=MaterialStatus.UNDECIDED
    )
    might_undermine_or_assist = models.BooleanField(
        default=False,
        help_text=(
            "MG6E: might it reasonably be considered capable of undermining the prosecution "
            "case or of assisting the case for the accused?"
        ),
    )
    mg6e_reason = models.TextField("MG6E reason", blank=True, max_length=2000)
    prosecutor_decision = models.CharField(
        max_length=20, choices=ProsecutorDecision.choices, blank=True
    )
    migrated_from = models.ForeignKey(
        "evidence.DisclosureEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The incident's schedule entry this was moved from (cases migration 0002).",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "number"]
        verbose_name_plural = "material"
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_material_number_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case.urn} #{self.number}: {self.description[:60]}"

    @property
    def schedule(self) -> str:
        """MG6C, MG6D, or "" for used material."""
        if self.used:
            return ""
        return ScheduleKind.MG6D if self.sensitive else ScheduleKind.MG6C

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = text_length_errors(self)
        if self.description is not None and not self.description.strip():
            errors["description"] = "Describe the material."
        if self.sensitive and not self.sensitivity_reason.strip():
            errors["sensitivity_reason"] = (
                "Sensitive material needs the reason for its sensitivity (MG6D)."
            )
        if not self.sensitive and self.sensitivity_reason.strip():
            errors["sensitivity_reason"] = "Only sensitive material has a reason for sensitivity."
        if self.might_undermine_or_assist and not self.mg6e_reason.strip():
            errors["mg6e_reason"] = (
                "Say why it might undermine the prosecution case or assist the defence (MG6E)."
            )
        if not self.might_undermine_or_assist and self.mg6e_reason.strip():
            errors["mg6e_reason"] = (
                "A reason is given only for material that might undermine or assist."
            )
        decision = self.prosecutor_decision
        if decision and self.used:
            errors["prosecutor_decision"] = "Used material is not scheduled; it has no decision."
        elif decision in SENSITIVE_DECISIONS and not self.sensitive:
            errors["prosecutor_decision"] = "That decision is for sensitive material (MG6D)."
        elif decision and decision not in SENSITIVE_DECISIONS and self.sensitive:
            errors["prosecutor_decision"] = "That decision is for non-sensitive material (MG6C)."
        defendant = self.defendant if self.defendant_id else None
        if defendant is not None and self.case_id and defendant.case_id != self.case_id:
            errors["defendant"] = "That defendant is not in this case."
        request = self.third_party_request if self.third_party_request_id else None
        if request is not None and self.case_id and request.case_id != self.case_id:
            errors["third_party_request"] = "That request belongs to another case."
        if errors:
            raise ValidationError(errors)


class Schedule(AuditedModel):
    """One version of one schedule (MG6C, MG6D or MG6E) of a case, for all its defendants or
    for one of them. While a draft its rows are read from the material; certifying freezes
    them in ``rows``. A change to the material after certification revises it: the next
    version is drafted, the changed rows marked, and this one kept (``workflow.SCHEDULE``)."""

    personal_fields = ("rows", "certified_name")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="schedules")
    defendant = models.ForeignKey(
        Defendant, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    kind = models.CharField(max_length=4, choices=ScheduleKind.choices)
    version = models.PositiveIntegerField(default=1)
    state = models.CharField(
        max_length=10, choices=ScheduleState.choices, default=ScheduleState.DRAFT, editable=False
    )
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    rows = models.JSONField(
        default=list, blank=True, help_text="The rows as certified (empty while a draft)."
    )
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certified_name = models.CharField(max_length=200, blank=True)
    certified_role = models.CharField(max_length=200, blank=True)
    certified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "kind", "defendant", "version"]
        permissions = [("certify_schedule", "Can certify a disclosure schedule")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"],
                condition=models.Q(defendant__isnull=True),
                name="one_case_schedule_version",
            ),
            models.UniqueConstraint(
                fields=["case", "defendant", "kind", "version"],
                condition=models.Q(defendant__isnull=False),
                name="one_defendant_schedule_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} version {self.version} ({self.case.urn}, {self.scope_label})"

    @property
    def scope_label(self) -> str:
        defendant = self.defendant if self.defendant_id else None
        return defendant.person.full_name if defendant is not None else "all defendants"

    @property
    def is_draft(self) -> bool:
        return self.state == ScheduleState.DRAFT


class ScheduleEvent(WorkflowEvent):
    """A step of a schedule's history: drafted, certified, revised."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class Mg6eCandidate(AuditedModel):
    """A finding of a conversation's quality report offered to the disclosure officer for the
    MG6E: accepted (it goes on the report, with the reason) or declined (with the reason)."""

    personal_fields = ("finding", "reason")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mg6e_candidates")
    item = models.ForeignKey("evidence.EvidenceItem", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=CandidateKind.choices)
    finding = models.TextField(max_length=2000)
    state = models.CharField(
        max_length=10, choices=CandidateState.choices, default=CandidateState.PENDING
    )
    reason = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "item", "kind"]
        verbose_name = "MG6E candidate"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "item", "kind"], name="one_candidate_per_finding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.item.exhibit_ref}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = text_length_errors(self)
        if self.state != CandidateState.PENDING and not self.reason.strip():
            errors["reason"] = (
                "Give the reason for accepting it for the MG6E."
                if self.state == CandidateState.ACCEPTED
                else "Give the reason for declining it."
            )
        if errors:
            raise ValidationError(errors)


class DisclosureManagementDocument(AuditedModel):
    """The case's Disclosure Management Document, under the headings of the Attorney General's
    Guidelines on Disclosure (2024), Annex C (docs/cases.md). Third-party requests are read
    from the register, not retyped."""

    personal_fields = (
        "investigation_summary",
        "defence_case",
        "lines_of_enquiry",
        "digital_strategy",
        "third_party_approach",
        "sensitive_material",
        "timetable",
    )
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="dmd")
    investigation_summary = models.TextField(
        "the investigation and the prosecution case", blank=True, max_length=10000
    )
    defence_case = models.TextField(
        "the issues and what is known of the defence case", blank=True, max_length=10000
    )
    lines_of_enquiry = models.TextField(
        "reasonable lines of enquiry",
        blank=True,
        max_length=10000,
        help_text="Those pursued, and those not pursued with the reason.",
    )
    digital_strategy = models.TextField(
        "strategy for digital material",
        blank=True,
        max_length=10000,
        help_text=(
            "Devices and accounts seized or obtained, how they were extracted, the search terms, "
            "date ranges and other parameters, sampling, and what was not examined and why."
        ),
    )
    third_party_approach = models.TextField(
        "third-party material",
        blank=True,
        max_length=10000,
        help_text=(
            "The approach to material held by others; each request is listed from the register."
        ),
    )
    sensitive_material = models.TextField("sensitive material", blank=True, max_length=10000)
    timetable = models.TextField(
        "disclosure timetable and engagement with the defence", blank=True, max_length=10000
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Disclosure Management Document"

    def __str__(self) -> str:
        return f"Disclosure Management Document, {self.case.urn}"

    def clean(self) -> None:
        super().clean()
        errors = text_length_errors(self)
        if errors:
            raise ValidationError(errors)
