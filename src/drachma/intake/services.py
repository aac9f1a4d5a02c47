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
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from drachma.audit.services import record_decision
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
    ReferralEvent,
    ReferralStatus,
    Report,
    ReporterType,
    ReportEvent,
    ReportFile,
    ReportIdentifier,
    ReportLink,
    ReportMatch,
    ReportStatus,
    Source,
)
from drachma.intake.normalize import (
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
from drachma.intake.workflow import REFERRAL, TRIAGE

logger = logging.getLogger("drachma.intake")

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


def _parse_list(field: str, values: list[str], parse, errors: dict) -> list:
    limit = conf.max_list_items()
    if len(values) > limit:
        errors.setdefault(field, []).append(f"At most {limit} lines; {len(values)} were given.")
        return []
    parsed = []
    for number, value in enumerate(values, start=1):
        try:
            parsed.append((value, parse(value)))
        except ValueError as exc:
            errors.setdefault(field, []).append(f"Line {number}: {exc}")
    return parsed


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
) -> Report:
    """Receive a report from the reporting page: check everything, then store it all.

    Files are checked (count, size, content against extension) before any is stored; each
    then enters the evidence store with the custody event "received" through the reporting
    page. Routing follows: a possible offender becomes a referral to the online child abuse
    investigation team, a planned confrontation is flagged urgent and sent to safeguarding.
    Matches to known records are found last and never stop a report being received.
    ``submitted_at`` is for the demo data and imports; the page leaves it to the clock.
    """
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
    parsed_links = _parse_list("links", _lines(links), normalize_url, errors)
    parsed_handles = _parse_list("handles", _lines(handles), normalize_handle, errors)
    parsed_phones = _parse_list("phones", _lines(phones), normalize_phone, errors)
    parsed_names = _parse_list("names", _lines(names), _name, errors)
    contact_phone = reporter_phone.strip()
    if contact_phone:
        try:
            contact_phone = normalize_phone(contact_phone)
        except ValueError as exc:
            errors["reporter_phone"] = [str(exc)]
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
        reporter_name=reporter_name.strip(),
        reporter_organisation=reporter_organisation.strip(),
        reporter_email=reporter_email.strip(),
        reporter_phone=contact_phone,
        submitter_hash=submitter_hash,
        form_token_hash=token_hash,
        urgent=concern == ConcernKind.CONFRONTATION_PLANNED,
        submitted_at=submitted_at or timezone.now(),
    )
    try:
        report.full_clean(exclude=["reference", "review_date", "form_token_hash"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    if errors:
        raise ValidationError(errors)

    report.reference = new_reference()
    report.save()
    received_from_type = RECEIVED_FROM_TYPE[ReporterType(reporter_type)]
    for position, item in enumerate(checked, start=1):
        exhibit = receive_file(
            item.upload,
            original_filename=item.name,
            received_from_type=received_from_type,
            via=VIA,
            # Who handed the file over, for continuity: the organisation that sent it, never a
            # member of the public's name (that stays in the restricted contact details).
            received_from=report.reporter_organisation
            if reporter_type != ReporterType.PUBLIC
            else "",
            kind=item.rule.kind,
            description=f"Sent with report {report.reference} through the reporting page.",
            received_at=report.submitted_at,
            by_description=BY_DESCRIPTION,
            max_bytes=conf.max_file_bytes(),
        )
        ReportFile.objects.create(report=report, item=exhibit, position=position)
    _store_identifiers(report, parsed_links, parsed_handles, parsed_phones, parsed_names)
    _route(report)
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


def _route(report: Report) -> None:
    """Send a report where it must go at once, before anyone triages it."""
    if report.concern == ConcernKind.POSSIBLE_OFFENDER:
        referral = create_referral(
            report, user=None, note="Routed by the reporting page: a possible offender."
        )
        _event(
            report,
            "refer",
            ReportStatus.NEW,
            ReportStatus.REFERRED,
            None,
            (
                "Routed to the online child abuse investigation team as referral "
                f"{referral.reference}."
            ),
        )
        report.status = ReportStatus.REFERRED
        report.save(update_fields=["status", "updated_at"])
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


def _event(
    report: Report, decision: str, from_status: str, to_status: str, user, note: str = ""
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        decision=decision,
        from_status=from_status,
        to_status=to_status,
        by=user,
        note=note,
    )


def _decide(report: Report, decision: str, *, user, note: str = "", **details) -> Report:
    """Apply one triage decision: check it, log it as an event and in the audit log."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    transition = TRIAGE.check(locked.status, decision, user)
    _event(locked, decision, locked.status, transition.target, user, note)
    record_decision(
        locked,
        decision,
        from_status=locked.status,
        to_status=str(transition.target),
        note=note,
        **details,
    )
    locked.status = transition.target
    return locked


def _can_triage(user) -> bool:
    return user is not None and user.is_active and user.has_perm("intake.triage_report")


@transaction.atomic
def assign_report(report: Report, *, user, assignee) -> Report:
    if not _can_triage(assignee):
        raise ValidationError(
            {"assignee": f"{assignee} cannot triage reports; choose someone whose role can."}
        )
    locked = _decide(
        report,
        "assign",
        user=user,
        note=f"Assigned to {assignee.get_username()}.",
        assignee=assignee.get_username(),
    )
    locked.assigned_to = assignee
    locked.full_clean()
    locked.save()
    if assignee != user:
        notify(
            assignee,
            f"Report {locked.reference} assigned to you",
            "Triage it from the reports queue.",
            link=_report_url(locked),
        )
    return locked


@transaction.atomic
def close_report(report: Report, *, user, reason: str) -> Report:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for closing the report."})
    locked = _decide(report, "close", user=user, note=reason)
    locked.close_reason = reason
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def reopen_report(report: Report, *, user, reason: str) -> Report:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for reopening the report."})
    locked = _decide(report, "reopen", user=user, note=reason)
    locked.close_reason = ""
    locked.full_clean()
    locked.save()
    return locked


def _attach_evidence(report: Report, incident, user=None) -> list[str]:
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


@transaction.atomic
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
    link.full_clean()
    if LinkedRecord.objects.filter(
        report=report, incident=incident, group=group, person=person
    ).exists():
        raise ValidationError({"target": f"The report is already linked to {link.target}."})
    attached = _attach_evidence(report, incident, user) if incident is not None else []
    locked = _decide(
        report,
        "link",
        user=user,
        note=note or f"Linked to {link.target_kind} {link.target}.",
        target=f"{link.target_kind} {link.target.pk}",
        exhibits_attached=attached,
    )
    locked.save()
    link.report = locked
    link.save()
    return link


INCIDENT_KIND = {
    ConcernKind.POSSIBLE_OFFENDER: "online_sting",
    ConcernKind.CONFRONTATION_HAPPENED: "doorstep",
    ConcernKind.CONFRONTATION_PLANNED: "other",
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
    groups |= {m.account.group_id for m in report.matches.select_related("account") if m.account_id}
    groups |= {lr.group_id for lr in report.linked_records.all() if lr.group_id}
    return {
        "received_at": timezone.localtime(report.submitted_at),
        "occurred_at": timezone.localtime(report.submitted_at),
        "source": INCIDENT_SOURCE[ReporterType(report.reporter_type)],
        "kind": kind,
        "summary": summary,
        "place": report.place[:200],
        "groups": sorted(groups),
    }


@transaction.atomic
def convert_report(report: Report, *, user, groups=(), **incident_fields):
    """Turn the report into an incident (from the pre-filled form), attach its exhibits."""
    from drachma.incidents.services import create_incident

    if not user.has_perm("incidents.add_incident"):
        raise ValidationError({"transition": "Your role may not record incidents."})
    TRIAGE.check(report.status, "convert", user)  # before the incident is made
    incident = create_incident(user=user, groups=groups, **incident_fields)
    attached = _attach_evidence(report, incident, user)
    locked = _decide(
        report,
        "convert",
        user=user,
        note=f"Turned into incident {incident.reference}.",
        incident=incident.reference,
        exhibits_attached=attached,
    )
    locked.incident = incident
    locked.save()
    return incident


# --- referrals ----------------------------------------------------------------------------


def _is_investigator(user) -> bool:
    return user is not None and user.is_active and user.groups.filter(name="investigator").exists()


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


def create_referral(
    report: Report, *, user=None, due_date: datetime.date | None = None, owner=None, note: str = ""
) -> Referral:
    """A referral built from the report: platforms, handles, links, phones and its material."""
    if hasattr(report, "referral"):
        raise ValidationError(
            {
                "referral": (
                    f"Report {report.reference} was already referred ({report.referral.reference})."
                )
            }
        )
    today = timezone.localdate()
    due_date = due_date or today + datetime.timedelta(days=conf.referral_due_days())
    if due_date < today:
        raise ValidationError({"due_date": "The due date is in the past."})
    if owner is not None and not _is_investigator(owner):
        raise ValidationError({"owner": f"{owner} is not in the investigation team."})
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
    ReferralEvent.objects.create(
        referral=referral,
        transition="create",
        from_status="",
        to_status=referral.status,
        by=user,
        note=note,
    )
    record_decision(referral, "create", report=report.reference, due_date=due_date, note=note)
    link = reverse("intake:referral_detail", kwargs={"referral_ref": referral.reference})
    recipients = [owner] if owner is not None else list(_users_with_roles("investigator"))
    for investigator in recipients:
        notify(
            investigator,
            f"New referral {referral.reference}: a possible offender",
            f"Accept or reject it by {due_date:%d/%m/%Y}.",
            link=link,
        )
    return referral


@transaction.atomic
def refer_report(
    report: Report, *, user, due_date: datetime.date | None = None, owner=None, note: str = ""
) -> Referral:
    """The triage decision to refer a report to the online child abuse investigation team."""
    locked = _decide(report, "refer", user=user, note=note)
    locked.save()
    return create_referral(locked, user=user, due_date=due_date, owner=owner, note=note)


@transaction.atomic
def transition_referral(
    referral: Referral, action: str, *, user, note: str = "", owner=None
) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    transition = REFERRAL.check(locked.status, action, user)
    note = (note or "").strip()
    if action == "accept":
        owner = owner or user
        if not _is_investigator(owner):
            raise ValidationError(
                {"owner": f"{owner} is not in the investigation team; choose an investigator."}
            )
        locked.owner = owner
    if action == "reject":
        if not note:
            raise ValidationError({"note": "Give the reason for rejecting the referral."})
        locked.rejected_reason = note
    if action == "close":
        if not note:
            raise ValidationError({"note": "Record the outcome before closing the referral."})
        locked.outcome = note
    ReferralEvent.objects.create(
        referral=locked,
        transition=action,
        from_status=locked.status,
        to_status=transition.target,
        by=user,
        note=note,
    )
    record_decision(
        locked,
        action,
        from_status=locked.status,
        to_status=str(transition.target),
        note=note,
        owner=locked.owner.get_username() if locked.owner else "",
    )
    locked.status = transition.target
    locked.full_clean()
    locked.save()
    if action == "reject":
        report = Report.objects.select_for_update().get(pk=locked.report_id)
        if report.status == ReportStatus.REFERRED:
            back = _decide(
                report,
                "return_to_triage",
                user=user,
                note=f"Referral {locked.reference} rejected: {note}",
            )
            back.save()
    return locked


@transaction.atomic
def reassign_referral(referral: Referral, *, user, owner) -> Referral:
    if not user.has_perm("intake.work_referral"):
        raise ValidationError({"owner": "Your role may not reassign referrals."})
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.INVESTIGATING):
        raise ValidationError({"owner": "Only an accepted referral has an owner to change."})
    if not _is_investigator(owner):
        raise ValidationError({"owner": f"{owner} is not in the investigation team."})
    previous = referral.owner
    referral.owner = owner
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        transition="reassign",
        from_status=referral.status,
        to_status=referral.status,
        by=user,
        note=f"Owner {previous.get_username() if previous else '-'} → {owner.get_username()}.",
    )
    record_decision(
        referral,
        "reassign",
        owner=owner.get_username(),
        previous_owner=previous.get_username() if previous else "",
    )
    if owner != user:
        notify(
            owner,
            f"Referral {referral.reference} is now yours",
            "",
            link=reverse("intake:referral_detail", kwargs={"referral_ref": referral.reference}),
        )
    return referral


def remind_overdue_referrals(today: datetime.date | None = None) -> int:
    """Tell supervisors, once a day, of each referral still not accepted after its due date."""
    today = today or timezone.localdate()
    overdue = Referral.objects.filter(status=ReferralStatus.OPEN, due_date__lt=today).exclude(
        reminded_on=today
    )
    supervisors = list(_users_with_roles("supervisor"))
    count = 0
    for referral in overdue:
        with transaction.atomic():
            for supervisor in supervisors:
                notify(
                    supervisor,
                    f"Referral {referral.reference} is overdue",
                    (
                        f"Due {referral.due_date:%d/%m/%Y} and not yet accepted or rejected by "
                        "the team."
                    ),
                    link=reverse(
                        "intake:referral_detail", kwargs={"referral_ref": referral.reference}
                    ),
                )
            referral.reminded_on = today
            referral.save(update_fields=["reminded_on"])  # through save, so the audit log has it
        count += 1
    return count
