"""Reads of people, including the possible duplicates shown when a person is entered.

The reads a user makes take the ``viewer``: they hide the identifiers the viewer's role may not
see and record the view in the audit log themselves (``core.personal``), so the pages and the
API show and record the same thing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from drachma.audit import reads
from drachma.core import restrictions
from drachma.core.access import get_or_404
from drachma.core.models import Restriction
from drachma.core.personal import Listing, fields_hidden_from, mask
from drachma.people.models import Person, PersonIdentifier, PersonMerge

# A person's identifiers: shown only to roles holding IDENTIFIERS_PERM.
IDENTIFIERS = ("date_of_birth", "address", "postcode")
IDENTIFIERS_PERM = "people.view_person_identifiers"
_RULES = {IDENTIFIERS_PERM: IDENTIFIERS}


@dataclass
class PossibleDuplicate:
    person: Person
    score: float
    reasons: list[str]


def search(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    terms = text.split()
    for term in terms:
        queryset = queryset.filter(
            Q(given_names__icontains=term)
            | Q(family_name__icontains=term)
            | Q(known_as__icontains=term)
        )
    return queryset


def possible_duplicates(
    *,
    given_names: str,
    family_name: str,
    date_of_birth=None,
    postcode: str = "",
    exclude_pk=None,
    limit: int = 10,
    threshold: float = 80.0,
) -> list[PossibleDuplicate]:
    """People who may be the one being entered: a close name (fuzzy), the same date of
    birth, or the same postcode with a similar name. Candidates come from the database by
    cheap filters; rapidfuzz scores them."""
    full = f"{given_names} {family_name}".strip()
    if not full:
        return []
    family = family_name.strip()
    candidates = Person.objects.all()
    filters = Q(family_name__istartswith=family[:2]) if len(family) >= 2 else Q()
    if date_of_birth:
        filters |= Q(date_of_birth=date_of_birth)
    if postcode.strip():
        filters |= Q(postcode__iexact=postcode.strip())
    if given_names.strip():
        filters |= Q(given_names__istartswith=given_names.strip()[:2])
    candidates = candidates.filter(filters)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    results = []
    for person in candidates[:2000]:
        score = fuzz.token_sort_ratio(full, person.full_name, processor=default_process)
        if person.known_as:
            score = max(
                score, fuzz.token_sort_ratio(full, person.known_as, processor=default_process)
            )
        reasons = []
        if score >= threshold:
            reasons.append(f"name {score:.0f}% similar")
        if date_of_birth and person.date_of_birth == date_of_birth:
            reasons.append("same date of birth")
            score = min(100.0, score + 15)
        if postcode.strip() and person.postcode.upper() == postcode.strip().upper() and score >= 60:
            reasons.append("same postcode")
        if reasons and (score >= threshold or len(reasons) > 1):
            results.append(PossibleDuplicate(person, round(score, 1), reasons))
    results.sort(key=lambda d: (-d.score, d.person.full_name))
    return results[:limit]


def restriction_hiding(viewer: Any, person: Person) -> Restriction | None:
    """The restriction of processing (DPA 2018 s.47(2)) that hides ``person``'s details from
    ``viewer``, or None: the record is held but not used, so only the roles that handle rights
    requests or audit them (``core.view_restricted_record``) see more than that it exists."""
    restriction = restrictions.restriction_for(person)
    if restriction is None or viewer.has_perm(restrictions.VIEW_RESTRICTED):
        return None
    return restriction


def usable_by(viewer: Any, queryset: QuerySet[Person]) -> QuerySet[Person]:
    """``queryset`` less the restricted people, unless ``viewer`` may see them (the API's
    lists: a restricted record is not used)."""
    if viewer.has_perm(restrictions.VIEW_RESTRICTED):
        return queryset
    return restrictions.without_restricted(queryset)


def shows_identifiers(viewer: Any) -> bool:
    return viewer.has_perm(IDENTIFIERS_PERM)


def _seen(viewer: Any) -> list[str] | None:
    """The restricted fields a view by ``viewer`` shows (recorded with the view)."""
    return list(IDENTIFIERS) if shows_identifiers(viewer) else None


def _masked(viewer: Any, person: Person) -> Person:
    return mask(person, fields_hidden_from(viewer, _RULES))


def person_for(viewer: Any, person_id: Any, *, via: str = "") -> Person:
    """The person as ``viewer`` may see them, the view recorded; 404 if there is none."""
    person = get_or_404(Person, pk=person_id)
    return shown_person(viewer, person, via=via)


def shown_person(viewer: Any, person: Person, *, via: str = "") -> Person:
    """``person`` (already read, for instance just saved) shown to ``viewer``: masked, and the
    view recorded."""
    reads.viewed(viewer, person, fields=_seen(viewer), via=via)
    return _masked(viewer, person)


def people_for(viewer: Any, text: str = "") -> Listing[Person]:
    """People whose names match ``text``, for ``viewer``: the rows a door shows are masked and
    recorded as one list view (with the search)."""

    def show(rows: Sequence[Person]) -> list[Person]:
        reads.viewed_list(viewer, Person, rows, query=text)
        return [_masked(viewer, p) for p in rows]

    return Listing(queryset=search(Person.objects.all(), text), show=show)


def involvements_for(viewer: Any, person_id: Any) -> list:
    """The incidents a person is involved in, newest first; recorded as a view of the person's
    involvements."""
    person = get_or_404(Person, pk=person_id)
    reads.viewed(viewer, person, fields=["involvements"])
    return list(person.involvements.select_related("incident").order_by("-incident__occurred_at"))


def duplicates_for(viewer: Any, **query: Any) -> list[PossibleDuplicate]:
    """``possible_duplicates`` shown to ``viewer``: the people found are masked and recorded as
    one list view (a duplicate check shows who is recorded)."""
    found = possible_duplicates(**query)
    reads.viewed_list(viewer, Person, [d.person for d in found], query="duplicate check")
    for d in found:
        _masked(viewer, d.person)
    return found


def identifiers_for(viewer: Any, person: Person) -> list[PersonIdentifier]:
    """The person's phone numbers, e-mail addresses, handles and URLs, for a role that may see
    identifiers (else none), the view recorded."""
    if not shows_identifiers(viewer):
        return []
    rows = list(person.identifiers.all())
    if rows:
        reads.viewed(viewer, person, fields=["identifiers"])
    return rows


def merges_of(person: Person) -> list[PersonMerge]:
    """The merges this record took part in, newest first (no personal data beyond the names
    the page already shows)."""
    return list(
        PersonMerge.objects.filter(Q(survivor=person) | Q(merged=person)).select_related(
            "survivor", "merged", "merged_by", "undone_by"
        )
    )


def identifier_for(viewer: Any, identifier_id: Any) -> PersonIdentifier:
    """One identifier (to remove it), its person's view recorded; 404 if there is none."""
    identifier = get_or_404(PersonIdentifier.objects.select_related("person"), pk=identifier_id)
    reads.viewed(viewer, identifier.person, fields=["identifiers"], via="identifier")
    return identifier


def merge_for(viewer: Any, merge_id: Any) -> PersonMerge:
    """One merge, the two people it names recorded as viewed; 404 if there is none."""
    merge = get_or_404(PersonMerge.objects.select_related("survivor", "merged"), pk=merge_id)
    for person in (merge.survivor, merge.merged):
        reads.viewed(viewer, person, via=f"merge {merge.pk}")
    return merge
