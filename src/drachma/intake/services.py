"""Every write to intake: receiving a report, routing it, triage decisions, referrals.

Each function validates everything before it writes and runs in a transaction, so a refused
report or decision leaves nothing behind. Every triage and referral decision is recorded in
the report's (or referral's) events and in the audit log as a decision.
"""

import datetime
import hashlib
import hmac
import ipaddress
import logging
import secrets
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from drachma.audit.services import record_decision
from drachma.core.identifiers import (
    handle_from_url,
    handles_in,
    normalize_handle,
    normalize_name,
    normalize_phone,
    normalize_url,
    phones_in,
    platform_of_url,
    urls_in,
)
from drachma.core.models import ReferenceCounter
from drachma.core.services import notify
from drachma.evidence.models import EvidenceKind
from drachma.evidence.services import attach_to_incident, receive_file
from drachma.evidence.tasks import read_chat_export
from drachma.intake import conf
from drachma.intake.files import FileRefused, check_files
from drachma.intake.matching import find_matches
from drachma.intake.models import (
    RECEIVED_FROM_TYPE,
    ConcernKind,
    IdentifierKind,
    LinkedRecord,
    MatchKind,
    Referral,
    ReferralStatus,
    Report,
    ReporterType,
    ReportFile,
    ReportIdentifier,
    ReportLink,
    ReportMatch,
    Source,
)
from drachma.intake.workflow import REFERRAL, TRIAGE

logger = logging.getLogger("drachma.intake")
T = TypeVar("T")

VIA = "the reporting page"
BY_DESCRIPTION = "the public reporting page"
REFERRAL_PREFIX = "RF"
# Crockford's base 32: no I, L, O or U, so a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class RateLimited(Exception):
    """Too many reports from one address; the message says so and when to try again."""


# --- the reporter's address and the reference ---------------------------------------------


def hash_address(address: str | None) -> str:
    """HMAC-SHA256 of the address under its own key (DRACHMA_ADDRESS_KEY, not SECRET_KEY):
    stable for rate limits, not reversible without the key. IPv6 addresses count by their
    /64, which one household or phone holds."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        key = address
    else:
        key = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return hmac.new(
        settings.DRACHMA_ADDRESS_KEY.encode(), f"intake-address:{key}".encode(), hashlib.sha256
    ).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(f"intake-form:{token}".encode()).hexdigest()


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def new_reference() -> str:
    """A random reference such as ``RP-7K3M-Q9XD`` (40 bits).

    Not sequential: a number that counts up would tell anyone who sends two reports how
    many others the force received between them, and a group could use that. The reference
    opens nothing (there is no status lookup); it lets a reporter who phones quote it.
    """
    while True:
        body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"RP-{body[:4]}-{body[4:]}"
        if not Report.objects.filter(reference=reference).exists():
            return reference


def check_rate(submitter_hash: str, now: datetime.datetime | None = None) -> None:
    """Refuse a report when the address has had its share accepted in the sliding window."""
    if not submitter_hash:
        return
    limit, seconds = conf.parse_rate(conf.rate_limit())
    now = now or timezone.now()
    recent = Report.objects.filter(
        submitter_hash=submitter_hash, submitted_at__gte=now - datetime.timedelta(seconds=seconds)
    )
    if recent.count() >= limit:
        oldest = recent.order_by("submitted_at").values_list("submitted_at", flat=True).first()
        wait = max(
            1, int(((oldest + datetime.timedelta(seconds=seconds)) - now).total_seconds() // 60) + 1
        )
        raise RateLimited(
            f"{limit} reports have already been sent from your connection in the last "
            f"{_period(seconds)}, which is the most we accept. Nothing was stored. Please try "
            f"again in about {wait} minutes, or call 101 (999 in an emergency)."
        )


def _period(seconds: int) -> str:
    if seconds % 86400 == 0:
        return "day" if seconds == 86400 else f"{seconds // 86400} days"
    if seconds % 3600 == 0:
        return "hour" if seconds == 3600 else f"{seconds // 3600} hours"
    return f"{max(1, seconds // 60)} minutes"


# --- parsing what the reporter listed -----------------------------------------------------


def _lines(value: str | Iterable[str]) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    return [v.strip() for v in value if v and v.strip()]


# The optional lists of the reporting page, in the reporter's words.
LIST_LABELS = {
    "links": "Links",
    "handles": "Usernames or handles",
    "phones": "Phone numbers",
    "names": "Names",
}


def _parse_list(field: str, values: list[str], parse, errors: dict, unreadable: list) -> list:
    """The lines of an optional list, read. A line that cannot be read is kept as written in
    ``unreadable`` for triage to check: it never refuses the report. Too many lines is still
    refused (it guards the matching, and says what to do)."""
    limit = conf.max_list_items()
    if len(values) > limit:
        errors.setdefault(field, []).append(f"At most {limit} lines; {len(values)} were given.")
        return []
    parsed = []
    for number, value in enumerate(values, start=1):
        try:
            parsed.append((value, parse(value)))
        except ValueError as exc:
            unreadable.append(
                {
                    "field": field,
                    "label": LIST_LABELS.get(field, field),
                    "line": number,
                    "value": value[:500],
                    "problem": str(exc),
                }
            )
    return parsed


def _planned_time(value: Any, unreadable: list) -> datetime.datetime | None:
    """The planned date and time as given (a datetime, or the text of a datetime-local input,
    UK time); text that is not one is kept in ``unreadable``."""
    if not value:
        return None
    moment: datetime.datetime | None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = parse_datetime(str(value).strip())
        if moment is None:
            unreadable.append(
                {
                    "field": "planned_at",
                    "label": "When it is planned",
                    "line": 1,
                    "value": str(value)[:200],
                    "problem": "not a date and time",
                }
            )
            return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _name(value: str) -> str:
    name = normalize_name(value)
    if len(name) > 200:
        raise ValueError("a name is at most 200 characters.")
    if len(name) < 2:
        raise ValueError(f"'{name}' is too short to be a name.")
    return name


# --- receiving a report -------------------------------------------------------------------


@transaction.atomic
def submit_report(
    *,
    reporter_type: str,
    concern: str,
    text: str,
    place: str = "",
    when_text: str = "",
    links: str | Iterable[str] = (),
    handles: str | Iterable[str] = (),
    phones: str | Iterable[str] = (),
    names: str | Iterable[str] = (),
    planned_at: Any = None,
    reporter_name: str = "",
    reporter_organisation: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    files: Iterable = (),
    submitter_hash: str = "",
    form_token: str = "",
    earlier_file_problems: Iterable[str] = (),
    attempted_files: int | None = None,
    submitted_at: datetime.datetime | None = None,
    official: Any = None,
) -> Report:
    """Receive a report from the reporting page: check everything, then store it all.

    Files are checked (count, size, content against extension) before any is stored; each
    then enters the evidence store with the custody event "received" through the reporting
    page. Routing follows: a possible offender becomes a referral to the online child abuse
    investigation team, a planned confrontation is flagged urgent and sent to safeguarding.
    Matches to known records are found last and never stop a report being received.
    ``submitted_at`` is for the demo data and imports; the page leaves it to the clock.
    ``official`` (an ``intake.official.ReferralIn``) makes it a referral in from CEOP, a
    platform or another force, entered by staff (``intake.official.receive_referral``).
    """
    if official is None:
        check_rate(submitter_hash)
    errors: dict[str, list[str]] = {}
    text = text or ""
    if not text.strip():
        errors["text"] = ["Tell us what happened."]
    elif len(text) > conf.max_text_chars():
        errors["text"] = [
            f"At most {conf.max_text_chars()} characters ({len(text)} were given); "
            "attach a longer account as a text file."
        ]
    unreadable: list[dict] = []
    parsed_links = _parse_list("links", _lines(links), normalize_url, errors, unreadable)
    parsed_handles = _parse_list("handles", _lines(handles), normalize_handle, errors, unreadable)
    parsed_phones = _parse_list("phones", _lines(phones), normalize_phone, errors, unreadable)
    parsed_names = _parse_list("names", _lines(names), _name, errors, unreadable)
    planned = (
        _planned_time(planned_at, unreadable)
        if concern == ConcernKind.CONFRONTATION_PLANNED
        else None
    )
    contact_phone = reporter_phone.strip()
    if contact_phone:
        try:
            contact_phone = normalize_phone(contact_phone)
        except ValueError:
            # Kept as written (it is the reporter's, and restricted): the flag names only the
            # field, so that the number is not repeated where every triage role can read it.
            unreadable.append(
                {
                    "field": "reporter_phone",
                    "label": "The reporter's phone number",
                    "line": 1,
                    "value": "",
                    "problem": "not a phone number that could be read; kept as written",
                }
            )
    token_hash = _token_hash(form_token) if form_token else None
    if token_hash and Report.objects.filter(form_token_hash=token_hash).exists():
        errors["__all__"] = [
            "This report has already been sent (its reference was shown when it was). "
            "To report something else, open the reporting page again."
        ]
    files = list(files)
    try:
        checked = check_files(
            files, earlier_problems=list(earlier_file_problems), attempted=attempted_files
        )
    except FileRefused as exc:
        errors["files"] = str(exc).split("\n") + [
            "Nothing was stored: choose your files again without these."
        ]
        checked = []

    report = Report(
        reporter_type=reporter_type,
        concern=concern,
        text=text,
        place=(place or "").strip(),
        when_text=(when_text or "").strip(),
        planned_at=planned,
        unreadable=unreadable,
        reporter_name=reporter_name.strip(),
        reporter_organisation=reporter_organisation.strip(),
        reporter_email=reporter_email.strip(),
        reporter_phone=contact_phone,
        submitter_hash=submitter_hash,
        form_token_hash=token_hash,
        urgent=concern == ConcernKind.CONFRONTATION_PLANNED,
        submitted_at=submitted_at or timezone.now(),
    )
    if official is not None:
        official.prepare(report, errors)
    try:
        report.full_clean(
            exclude=["reference", "review_date", "form_token_hash"],
            validate_constraints=official is None,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    if errors:
        raise ValidationError(errors)

    report.reference = new_reference()
    if official is not None:
        official.save(report)
    else:
        report.save()
    received_from_type = RECEIVED_FROM_TYPE[ReporterType(reporter_type)]
    via_words = official.via if official is not None else VIA
    for position, item in enumerate(checked, start=1):
        exhibit = receive_file(
            item.upload,
            original_filename=item.name,
            received_from_type=received_from_type,
            via=official.via if official is not None else VIA,
            # Who handed the file over, for continuity: the organisation that sent it, never a
            # member of the public's name (that stays in the restricted contact details).
            received_from=report.sender
            if official is not None
            else report.reporter_organisation
            if reporter_type != ReporterType.PUBLIC
            else "",
            kind=item.rule.kind,
            description=f"Sent with report {report.reference} through {via_words}.",
            received_at=report.submitted_at,
            user=official.user if official is not None else None,
            by_description="" if official is not None else BY_DESCRIPTION,
            max_bytes=conf.max_file_bytes(),
        )
        report_file = ReportFile.objects.create(report=report, item=exhibit, position=position)
        if official is not None:
            official.quarantine_on_arrival(report_file, item.rule.kind)
    _store_identifiers(report, parsed_links, parsed_handles, parsed_phones, parsed_names)
    _route(report, by_description=official.via if official is not None else BY_DESCRIPTION)
    refresh_matches(report)
    return report


def _store_identifiers(report: Report, links, handles, phones, names) -> None:
    seen_links = set()
    for raw, normalized in links:
        if normalized not in seen_links:
            seen_links.add(normalized)
            ReportLink.objects.create(
                report=report,
                raw=raw[:2000],
                normalized=normalized,
                platform=platform_of_url(normalized),
                source=Source.GIVEN,
            )
    for raw in urls_in(report.text):
        try:
            normalized = normalize_url(raw)
        except ValueError:
            continue
        if normalized not in seen_links:
            seen_links.add(normalized)
            ReportLink.objects.create(
                report=report,
                raw=raw[:2000],
                normalized=normalized,
                platform=platform_of_url(normalized),
                source=Source.TEXT,
            )
    seen = set()

    def add(kind, raw, normalized, platform="", source=Source.GIVEN):
        if (kind, normalized, platform) in seen:
            return
        seen.add((kind, normalized, platform))
        ReportIdentifier.objects.create(
            report=report,
            kind=kind,
            raw=raw[:300],
            normalized=normalized[:200],
            platform=platform,
            source=source,
        )

    for raw, handle in handles:
        add(IdentifierKind.HANDLE, raw, handle.name, handle.platform)
    for handle in handles_in(report.text):
        if not any(k == IdentifierKind.HANDLE and n == handle.name for k, n, _ in seen):
            add(IdentifierKind.HANDLE, f"@{handle.name}", handle.name, "", Source.TEXT)
    for link in report.links.all():
        handle = handle_from_url(link.normalized)
        if handle is not None:
            add(IdentifierKind.HANDLE, link.raw, handle.name, handle.platform, Source.LINK)
    for raw, e164 in phones:
        add(IdentifierKind.PHONE, raw, e164)
    for e164 in phones_in(report.text):
        add(IdentifierKind.PHONE, e164, e164, source=Source.TEXT)
    for raw, name in names:
        add(IdentifierKind.NAME, raw, name)


def _users_with_roles(*roles: str):
    return get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()


def _report_url(report: Report) -> str:
    return reverse("intake:detail", kwargs={"report_ref": report.reference})


def _route(report: Report, *, by_description: str = BY_DESCRIPTION) -> None:
    """Send a report where it must go at once, before anyone triages it: a possible offender
    is referred to the investigation team (the machine's "refer" step, taken by the reporting
    page), a planned confrontation reaches safeguarding now (it is new and urgent)."""
    if report.concern == ConcernKind.POSSIBLE_OFFENDER:
        TRIAGE.apply(
            report,
            "refer",
            user=None,
            by_description=by_description,
            referral_note="Routed by the reporting page: a possible offender."
            if by_description == BY_DESCRIPTION
            else f"Routed on arrival ({by_description}): a possible offender.",
        )
    if report.urgent:
        # E-mails leave the force's systems: they say where to look, never what was reported.
        for user in _users_with_roles("safeguarding_officer", "supervisor"):
            notify(
                user,
                f"URGENT report {report.reference}: a planned confrontation",
                "A confrontation was reported as planned through the reporting page. Triage it "
                "now: someone may be at risk.",
                link=_report_url(report),
            )


@transaction.atomic
def refresh_matches(report: Report, *, user=None) -> list[ReportMatch]:
    """Find (again) the known records the report names. A failure is noted, never raised:
    it must not cost the report."""
    try:
        with transaction.atomic():
            found = find_matches(report)
            report.matches.all().delete()
            matches = [
                ReportMatch.objects.create(
                    report=report,
                    kind=f.kind,
                    identifier=f.identifier[:300],
                    reason=f.reason,
                    score=round(f.score, 1),
                    incident=f.target if f.kind == MatchKind.INCIDENT else None,
                    group=f.target if f.kind == MatchKind.GROUP else None,
                    account=f.target if f.kind == MatchKind.ACCOUNT else None,
                    person=f.target if f.kind == MatchKind.PERSON else None,
                    other_report=f.target if f.kind == MatchKind.REPORT else None,
                )
                for f in found
            ]
    except Exception as exc:  # matching is a help to triage, never a reason to lose a report
        logger.exception("Matching failed for report %s", report.reference)
        report.matching_error = (
            f"Matching failed ({type(exc).__name__}); use 'Find matches again'."[:300]
        )
        report.save(update_fields=["matching_error", "updated_at"])
        return []
    if report.matching_error:
        report.matching_error = ""
        report.save(update_fields=["matching_error", "updated_at"])
    if user is not None:
        record_decision(report, "find matches", found=len(matches))
    return matches


# --- triage -------------------------------------------------------------------------------
# Every decision is one step of ``workflow.TRIAGE``: checked, recorded as the report's event
# and audited by the machine; what a step does besides moving the report is declared there.


def can_triage(user) -> bool:
    return user is not None and user.is_active and user.has_perm("intake.triage_report")


def tell_assignee(report: Report, assignee) -> None:
    notify(
        assignee,
        f"Report {report.reference} assigned to you",
        "Triage it from the reports queue.",
        link=_report_url(report),
    )


def _reason_for_note(call: Callable[[], T]) -> T:
    """The page and the API ask for the "reason" the machine calls the step's note."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "note" in exc.error_dict:
            exc.error_dict["reason"] = exc.error_dict.pop("note")
        raise


def assign_report(report: Report, *, user, assignee) -> Report:
    return TRIAGE.apply(report, "assign", user=user, assignee=assignee)


def close_report(report: Report, *, user, reason: str) -> Report:
    return _reason_for_note(lambda: TRIAGE.apply(report, "close", user=user, note=reason))


def reopen_report(report: Report, *, user, reason: str) -> Report:
    return _reason_for_note(lambda: TRIAGE.apply(report, "reopen", user=user, note=reason))


def attach_evidence(report: Report, incident, user=None) -> list[str]:
    """Put the report's exhibits on the incident (those on no incident yet).

    Chat exports among them are read in the background once the decision is committed, so a
    large or broken export never holds up or undoes the triage decision.
    """
    attached = [
        rf.item
        for rf in report.files.select_related("item")
        if attach_to_incident(rf.item, incident=incident, user=user)
    ]
    for item in attached:
        if item.kind == EvidenceKind.CHAT_EXPORT:
            transaction.on_commit(partial(_read_chat_export_later, item.pk))
    return [item.exhibit_ref for item in attached]


def _read_chat_export_later(item_pk: int) -> None:
    read_chat_export.enqueue(item_pk)


def link_report(
    report: Report, *, user, incident=None, group=None, person=None, note: str = ""
) -> LinkedRecord:
    """Link the report to an existing incident, group or person (one per decision)."""
    link = LinkedRecord(
        report=report,
        incident=incident,
        group=group,
        person=person,
        note=(note or "").strip(),
        linked_by=user,
    )
    TRIAGE.apply(report, "link", user=user, note=note, link=link)
    return link


INCIDENT_KIND = {
    ConcernKind.POSSIBLE_OFFENDER: "online_sting",
    ConcernKind.CONFRONTATION_HAPPENED: "doorstep",
    ConcernKind.CONFRONTATION_PLANNED: "planned",
    ConcernKind.FOOTAGE_ONLINE: "publication",
}
INCIDENT_SOURCE = {
    ReporterType.PUBLIC: "public",
    ReporterType.GROUP: "group",
    ReporterType.PLATFORM: "platform",
    ReporterType.AGENCY: "partner",
}


def incident_initial(report: Report) -> dict:
    """The incident form's starting values, from what the report says."""
    kind = INCIDENT_KIND[ConcernKind(report.concern)]
    if (
        report.concern == ConcernKind.POSSIBLE_OFFENDER
        and report.reporter_type != ReporterType.GROUP
    ):
        kind = "other"
    header = f"From report {report.reference} ({report.get_concern_display()}).\n"
    summary = header + report.text
    if len(summary) > 5000:
        summary = summary[:4950] + "\n[… the full text is on the report.]"
    groups = {m.group_id for m in report.matches.all() if m.group_id}
    groups |= {m.account.group_id for m in report.matches.select_related("account") if m.account}
    groups |= {lr.group_id for lr in report.linked_records.all() if lr.group_id}
    # A planned confrontation happens when it is planned for (ahead, perhaps), not when it was
    # reported; triage may correct it on the form.
    occurred = report.planned_at if report.planned_at and kind == "planned" else None
    return {
        "received_at": timezone.localtime(report.submitted_at),
        "occurred_at": timezone.localtime(occurred or report.submitted_at),
        "source": INCIDENT_SOURCE[ReporterType(report.reporter_type)],
        "kind": kind,
        "summary": summary,
        "place": report.place[:200],
        "groups": sorted(groups),
    }


def convert_report(report: Report, *, user, groups=(), **incident_fields):
    """Turn the report into an incident (from the pre-filled form), attach its exhibits."""
    converted = TRIAGE.apply(
        report, "convert", user=user, groups=groups, incident_fields=incident_fields
    )
    return converted.incident


# --- referrals ----------------------------------------------------------------------------


def _is_investigator(user) -> bool:
    return user is not None and user.is_active and user.groups.filter(name="investigator").exists()


def check_investigator(user, *, choose: bool = False) -> None:
    """Only an investigator owns a referral; ``choose`` asks for one when the user is not."""
    if user is None:
        raise ValidationError({"owner": "Choose the investigator who takes the referral."})
    if not _is_investigator(user):
        hint = "; choose an investigator" if choose else ""
        raise ValidationError({"owner": f"{user} is not in the investigation team{hint}."})


def referral_url(referral: Referral) -> str:
    return reverse("intake:referral_detail", kwargs={"referral_ref": referral.reference})


def tell_new_owner(referral: Referral) -> None:
    notify(
        referral.owner,
        f"Referral {referral.reference} is now yours",
        "",
        link=referral_url(referral),
    )


def _referral_contents(report: Report) -> dict:
    links = [link.normalized for link in report.links.all()]
    handles = [
        {"platform": i.platform, "handle": i.normalized}
        for i in report.identifiers.filter(kind=IdentifierKind.HANDLE)
    ]
    phones = [i.normalized for i in report.identifiers.filter(kind=IdentifierKind.PHONE)]
    platforms = sorted(
        {link.platform for link in report.links.all() if link.platform}
        | {h["platform"] for h in handles if h["platform"]}
    )
    return {"links": links, "handles": handles, "phones": phones, "platforms": platforms}


def _due_date(due_date: datetime.date | None) -> datetime.date:
    return due_date or timezone.localdate() + datetime.timedelta(days=conf.referral_due_days())


def check_referral(report: Report, *, due_date: datetime.date | None = None, owner=None) -> None:
    """What a referral needs before it is made: a report not referred before, a due date not
    in the past, and an owner (if one is named) from the investigation team."""
    existing = Referral.objects.filter(report=report).values_list("reference", flat=True).first()
    if existing:
        raise ValidationError(
            {"referral": f"Report {report.reference} was already referred ({existing})."}
        )
    if _due_date(due_date) < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past."})
    if owner is not None:
        check_investigator(owner)


def create_referral(
    report: Report, *, user=None, due_date: datetime.date | None = None, owner=None, note: str = ""
) -> Referral:
    """A referral built from the report: platforms, handles, links, phones and its material.
    The team is told, and must accept or reject it by its due date (``conf``'s days from
    today unless given); supervisors are reminded when it is late."""
    check_referral(report, due_date=due_date, owner=owner)
    due_date = _due_date(due_date)
    referral = Referral(
        report=report,
        summary=report.text,
        due_date=due_date,
        created_by=user,
        owner=owner,
        status=ReferralStatus.OPEN,
        **_referral_contents(report),
    )
    referral.full_clean(exclude=["reference", "review_date"])
    referral.reference = ReferenceCounter.next_reference(REFERRAL_PREFIX)
    referral.save()
    referral.material.set([f.item for f in report.files.select_related("item")])
    REFERRAL.start(
        referral,
        user=user,
        transition="create",
        note=note,
        by_description="" if user is not None else BY_DESCRIPTION,
    )
    record_decision(referral, "create", report=report.reference, due_date=due_date, note=note)
    recipients = [owner] if owner is not None else list(_users_with_roles("investigator"))
    for investigator in recipients:
        notify(
            investigator,
            f"New referral {referral.reference}: a possible offender",
            f"Accept or reject it by {due_date:%d/%m/%Y}.",
            link=referral_url(referral),
        )
    return referral


def refer_report(
    report: Report, *, user, due_date: datetime.date | None = None, owner=None, note: str = ""
) -> Referral:
    """The triage decision to refer a report to the online child abuse investigation team
    (the referral is made by the step: see ``workflow.TRIAGE``)."""
    referred = TRIAGE.apply(report, "refer", user=user, note=note, due_date=due_date, owner=owner)
    return Referral.objects.get(report=referred)


def transition_referral(
    referral: Referral, action: str, *, user, note: str = "", owner=None
) -> Referral:
    """Take one step of the referral's workflow (see ``workflow.REFERRAL``)."""
    return REFERRAL.apply(referral, action, user=user, note=note, owner=owner)


def reassign_referral(referral: Referral, *, user, owner) -> Referral:
    """Hand an accepted referral to another investigator; checked under the row's lock."""
    return REFERRAL.apply(referral, "reassign", user=user, owner=owner)


def remind_overdue_referrals(today: datetime.date | None = None) -> int:
    """Tell supervisors, once a day, of each referral still not accepted after its due date.

    Safe to run twice, even at once: each referral is locked and checked again before its
    reminder goes, so a second run finds it reminded today (or accepted since) and skips it.
    Not a workflow step (the state does not change): the reminder date is audited as a save.
    """
    today = today or timezone.localdate()
    due = Referral.objects.filter(status=ReferralStatus.OPEN, due_date__lt=today).exclude(
        reminded_on=today
    )
    supervisors = list(_users_with_roles("supervisor"))
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            referral = due.select_for_update().filter(pk=pk).first()
            if referral is None:  # reminded by another run, or accepted, in the meantime
                continue
            for supervisor in supervisors:
                notify(
                    supervisor,
                    f"Referral {referral.reference} is overdue",
                    (
                        f"Due {referral.due_date:%d/%m/%Y} and not yet accepted or rejected by "
                        "the team."
                    ),
                    link=referral_url(referral),
                )
            referral.reminded_on = today
            referral.save(update_fields=["reminded_on"])  # through save, so the audit log has it
        count += 1
    return count


# --- nothing kept without a reason --------------------------------------------------------

# Who removes stale reports and drops address hashes, in the audit log and custody records.
REMOVAL_BY = "the removal of stale reports"
KEEP_REASON_MAX = 2000


@transaction.atomic
def record_keep_reason(report: Report, *, user, reason: str) -> Report:
    """Record why ``report`` is kept although it led to no incident: the removal of stale
    reports then leaves it. A later reason replaces the earlier (the audit log keeps both)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason to keep the report."})
    if len(reason) > KEEP_REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason to {KEEP_REASON_MAX} characters (it has {len(reason)})."}
        )
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.incident_id is not None:
        raise ValidationError(
            {
                "reason": f"{locked.reference} was turned into an incident: it is kept with the "
                "incident, so no reason to keep it is needed."
            }
        )
    locked.keep_reason = reason
    locked.keep_reason_by = user
    locked.keep_reason_at = timezone.now()
    locked.save(update_fields=["keep_reason", "keep_reason_by", "keep_reason_at", "updated_at"])
    record_decision(locked, "keep", reason=reason)
    return locked


def remove_stale_reports(now: datetime.datetime | None = None) -> int:
    """Remove every report closed without an incident more than the configured days ago
    (``DRACHMA_INTAKE_STALE_REPORT_DAYS``) with no reason recorded to keep it: the report, its
    identifiers, links, matches and history, and its files (each exhibit disposed of through
    the custody chain, its bytes with it, unless something else holds it). Returns how many
    reports were removed.

    Each report is removed in its own transaction under its row's lock and checked again
    there, so two runs at once remove each report once, and a report reopened or given a
    reason meanwhile is left alone. Each removal is one audit decision naming what went."""
    from drachma.audit.context import acting_as, current
    from drachma.intake import selectors

    now = now or timezone.now()
    days = conf.stale_report_days()
    removed = 0
    label = current().actor_label or REMOVAL_BY
    with acting_as(actor=current().actor, label=label, request=current().request):
        for pk in list(selectors.stale_reports(now, days).values_list("pk", flat=True)):
            if _remove_stale_report(pk, now=now, days=days):
                removed += 1
    return removed


@transaction.atomic
def _remove_stale_report(pk: int, *, now: datetime.datetime, days: int) -> bool:
    from drachma.intake import selectors

    report = Report.objects.select_for_update().filter(pk=pk).first()
    # Gone (another run removed it) or no longer stale (reopened, a reason recorded, linked).
    if report is None or not selectors.stale_reports(now, days).filter(pk=pk).exists():
        return False
    why = (
        f"Report {report.reference} was closed without an incident more than {days} days ago "
        "and no reason to keep it was recorded."
    )
    remove_report(report, why=why, decision="remove stale report", closed_days=days)
    return True


@transaction.atomic
def remove_report(
    report: Report, *, why: str, decision: str = "remove report", user=None, **details: Any
) -> None:
    """Remove ``report`` with its identifiers, links, matches and history; each of its
    exhibits is disposed of through the custody chain (its bytes leave the store once nothing
    in custody shares them), unless something else holds it. One audit decision names what
    went. A report a referral depends on is refused (``ProtectedError``), with nothing
    changed: the caller's transaction rolls back the disposals too."""
    from drachma.evidence.disposal import dispose_with_record

    files = list(report.files.select_related("item").order_by("position"))
    disposed, still_held = [], []
    for report_file in files:
        item = report_file.item
        report_file.delete()
        if dispose_with_record(
            item,
            reason=why,
            by_description="" if user is not None else REMOVAL_BY,
            user=user,
            ignore=("intake_file",),
        ):
            disposed.append(item.exhibit_ref)
        else:
            still_held.append(item.exhibit_ref)
    record_decision(
        report,
        decision,
        reason=why,
        exhibits_disposed=disposed,
        exhibits_kept_elsewhere=still_held,
        identifiers=report.identifiers.count(),
        links=report.links.count(),
        **details,
    )
    report.delete()


def drop_address_hashes(now: datetime.datetime | None = None) -> int:
    """Empty the submitting address's hash of every report older than the rate limit's window
    (``DRACHMA_INTAKE_RATE_LIMIT``): the limit counts only reports inside it, so it never needs
    an older one. Returns how many reports lost theirs, named in one audit decision."""
    from drachma.audit.context import acting_as, current
    from drachma.audit.services import append

    _limit, seconds = conf.parse_rate(conf.rate_limit())
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=seconds)
    with (
        acting_as(actor=current().actor, label=current().actor_label or REMOVAL_BY),
        transaction.atomic(),
    ):
        holding = Report.objects.filter(submitted_at__lt=cutoff).exclude(submitter_hash="")
        pks = sorted(holding.select_for_update().values_list("pk", flat=True))
        if not pks:
            return 0
        # The audit log never holds the hash (core.auditing redacts it), so the bulk write's
        # own entry would show no change: this decision names the reports instead.
        count = Report.objects.filter(pk__in=pks).update(submitter_hash="")
        append(
            "decision",
            model="intake.report",
            object_repr=f"address hashes of {count} reports dropped",
            changes={
                "decision": "address hashes no longer needed by the rate limit",
                "reports": [str(pk) for pk in pks],
                "window_seconds": seconds,
            },
        )
        return count
