"""De-duplication: what already known a report names, and why we think so.

A report's links, handles, phone numbers and names (normalised by ``normalize``) are looked
up against incidents' stream URLs, groups' platform accounts (handle and URL), groups' names
and aliases, people's names, and earlier reports' links, handles, phone numbers and names.
URLs, handles and phone numbers match exactly once normalised (score 100; a handle given
without its platform scores 90); names match fuzzily (rapidfuzz, from
``conf.name_match_threshold``). Candidates come from the database by cheap indexed or
substring filters and are compared in Python, so the cost grows with the report, not with
the tables.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.db.models import Model, Q
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from drachma.core.identifiers import (
    PLATFORM_HOSTS,
    Handle,
    normalize_url,
    split_name,
)
from drachma.groups.models import Group, GroupAlias, PlatformAccount
from drachma.incidents.models import Incident
from drachma.intake import conf
from drachma.intake.models import IdentifierKind, MatchKind, Report, ReportIdentifier, ReportLink
from drachma.people.selectors import possible_duplicates

NAME_CANDIDATES = 5000


@dataclass
class Found:
    kind: str
    target: Model
    identifier: str
    reasons: list[str] = field(default_factory=list)
    score: float = 100.0

    @property
    def key(self) -> tuple:
        return (self.kind, type(self.target).__name__, self.target.pk)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)[:300]


class _Results:
    def __init__(self, report: Report):
        self.report = report
        self.by_key: dict[tuple, Found] = {}

    def add(self, kind: str, target, identifier: str, reason: str, score: float = 100.0) -> None:
        if kind == MatchKind.REPORT and target.pk == self.report.pk:
            return
        found = Found(kind, target, identifier, [reason], score)
        existing = self.by_key.get(found.key)
        if existing is None:
            self.by_key[found.key] = found
            return
        if reason not in existing.reasons:
            existing.reasons.append(reason)
        if score > existing.score:
            existing.score, existing.identifier = score, identifier

    def sorted(self) -> list[Found]:
        return sorted(self.by_key.values(), key=lambda f: (-f.score, f.kind, str(f.target)))


def _token(normalized: str) -> str:
    """A distinctive piece of a normalised URL to find candidates with a substring filter."""
    parts = urlsplit(normalized)
    params = dict(parse_qsl(parts.query))
    for key in ("v", "story_fbid", "fbid", "id"):
        if params.get(key):
            return params[key]
    segments = [s for s in parts.path.split("/") if s]
    return max(segments, key=len) if segments else ""


def _host_spellings(normalized: str) -> list[str]:
    """Every host that normalises to this URL's host (twitter.com for x.com, youtu.be for
    youtube.com)."""
    host = (urlsplit(normalized).hostname or "").lower()
    return sorted(
        {host} | {alias for alias, (canonical, _) in PLATFORM_HOSTS.items() if canonical == host}
    )


def _candidates(field: str, normalized: str) -> Q:
    """A cheap filter on a raw URL column that every spelling of ``normalized`` passes."""
    hosts = Q()
    for host in _host_spellings(normalized):
        hosts |= Q(**{f"{field}__icontains": host})
    token = _token(normalized)
    return hosts & Q(**{f"{field}__icontains": token}) if token else hosts


def _same_url(candidate: str, normalized: str) -> bool:
    try:
        return normalize_url(candidate) == normalized
    except ValueError:
        return False


def _match_url(results: _Results, raw: str, normalized: str) -> None:
    for link in (
        ReportLink.objects.filter(normalized=normalized)
        .exclude(report=results.report)
        .select_related("report")
    ):
        results.add(
            MatchKind.REPORT,
            link.report,
            raw,
            f"the same link was given in report {link.report.reference}",
        )
    for incident in Incident.objects.filter(_candidates("stream_url", normalized)).only(
        "pk", "reference", "stream_url"
    ):
        if _same_url(incident.stream_url, normalized):
            results.add(
                MatchKind.INCIDENT,
                incident,
                raw,
                f"the link is the stream of incident {incident.reference}",
            )
    for account in PlatformAccount.objects.filter(normalized_url=normalized).select_related(
        "group"
    ):
        results.add(
            MatchKind.ACCOUNT,
            account,
            raw,
            f"the link is {account.group.name}'s {account.get_platform_display()} account",
        )


def _match_handle(results: _Results, raw: str, handle: Handle) -> None:
    # Accounts keep their handle in the one spelling (groups.PlatformAccount.normalized).
    candidates = PlatformAccount.objects.filter(normalized=handle.name).select_related("group")
    for account in candidates:
        platform = account.get_platform_display()
        if handle.platform and handle.platform != account.platform:
            continue
        if handle.platform:
            results.add(
                MatchKind.ACCOUNT,
                account,
                raw,
                f"the same {platform} handle @{handle.name} as {account.group.name}'s account",
            )
        else:
            results.add(
                MatchKind.ACCOUNT,
                account,
                raw,
                f"the handle @{handle.name} is {account.group.name}'s on {platform} "
                "(the report did not say which platform)",
                score=90,
            )
    earlier = (
        ReportIdentifier.objects.filter(kind=IdentifierKind.HANDLE, normalized=handle.name)
        .exclude(report=results.report)
        .select_related("report")
    )
    for ident in earlier:
        if handle.platform and ident.platform and handle.platform != ident.platform:
            continue
        exact = bool(handle.platform) and handle.platform == ident.platform
        results.add(
            MatchKind.REPORT,
            ident.report,
            raw,
            f"the handle @{handle.name} was given in report {ident.report.reference}"
            + ("" if exact else " (platform not given in both)"),
            score=100 if exact else 90,
        )


def _match_phone(results: _Results, raw: str, e164: str) -> None:
    earlier = (
        ReportIdentifier.objects.filter(kind=IdentifierKind.PHONE, normalized=e164)
        .exclude(report=results.report)
        .select_related("report")
    )
    for ident in earlier:
        results.add(
            MatchKind.REPORT,
            ident.report,
            raw,
            f"the phone number {e164} was given in report {ident.report.reference}",
        )


def _groups_and_aliases() -> list[tuple[Group, str, bool]]:
    rows = [(g, g.name, False) for g in Group.objects.all()]
    rows += [(a.group, a.name, True) for a in GroupAlias.objects.select_related("group")]
    return rows


def _match_name(results: _Results, raw: str, name: str, groups: list) -> None:
    threshold = conf.name_match_threshold()
    given, family = split_name(name)
    for dup in possible_duplicates(given_names=given, family_name=family, threshold=threshold):
        results.add(
            MatchKind.PERSON,
            dup.person,
            raw,
            f"the name '{name}' is {dup.score:.0f}% similar to {dup.person.full_name}",
            score=dup.score,
        )
    for group, label, is_alias in groups:
        score = fuzz.token_sort_ratio(name, label, processor=default_process)
        if score >= threshold:
            what = f"an alias of {group.name}" if is_alias else "the group"
            results.add(
                MatchKind.GROUP,
                group,
                raw,
                f"the name '{name}' is {score:.0f}% similar to '{label}' ({what})",
                score=score,
            )
    # Earlier reports' names: candidates share the first letters of the family name (as in
    # people.selectors.possible_duplicates); only the scores are computed in Python.
    prefix = family[:2]
    earlier = ReportIdentifier.objects.filter(kind=IdentifierKind.NAME).exclude(
        report=results.report
    )
    if len(prefix) == 2:
        earlier = earlier.filter(normalized__icontains=prefix)
    hits = []
    for report_id, known in earlier.values_list("report_id", "normalized")[:NAME_CANDIDATES]:
        score = fuzz.token_sort_ratio(name, known, processor=default_process)
        if score >= threshold:
            hits.append((report_id, known, score))
    reports = Report.objects.in_bulk({report_id for report_id, _, _ in hits})
    for report_id, known, score in hits:
        other = reports[report_id]
        results.add(
            MatchKind.REPORT,
            other,
            raw,
            f"the name '{name}' is {score:.0f}% similar to '{known}' in report {other.reference}",
            score=score,
        )


def _group_names_in_text(results: _Results, text: str, groups: list) -> None:
    for group, label, is_alias in groups:
        if len(label) < 3:
            continue
        if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text, flags=re.IGNORECASE):
            what = f"an alias of {group.name}" if is_alias else "the group's name"
            results.add(MatchKind.GROUP, group, label, f"the text names '{label}' ({what})")


def find_matches(report: Report) -> list[Found]:
    """Everything already known that ``report`` names, best first, one entry per record."""
    results = _Results(report)
    for link in report.links.all():
        _match_url(results, link.raw, link.normalized)
    groups = _groups_and_aliases()
    for ident in report.identifiers.all():
        if ident.kind == IdentifierKind.HANDLE:
            _match_handle(results, ident.raw, Handle(ident.platform, ident.normalized))
        elif ident.kind == IdentifierKind.PHONE:
            _match_phone(results, ident.raw, ident.normalized)
        elif ident.kind == IdentifierKind.NAME:
            _match_name(results, ident.raw, ident.normalized, groups)
    _group_names_in_text(results, report.text, groups)
    return results.sorted()
