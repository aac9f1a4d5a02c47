"""Reads of people, including the possible duplicates shown when a person is entered."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from drachma.people.models import Person


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
