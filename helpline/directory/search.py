"""Rank services for a place, a need and a person: local first, then county/region, then national."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from helpline.directory.extract import GENERAL_NEED, Person
from helpline.directory.hours import is_24_hours, is_open
from helpline.directory.model import NATIONAL, Directory, Service

FALLBACK_ID = "national-domestic-abuse-helpline"
GENERAL_NEEDS = {GENERAL_NEED, "community-support"}


@dataclass(frozen=True)
class Hit:
    service: Service
    tier: str
    open_now: bool | None


@dataclass
class SearchResult:
    hits: list[Hit]
    alternative: Service | None = None  # a 24-hour service to name when a listed one is closed


def fits(service: Service, need: str | None, person: Person) -> bool:
    """Does this service offer the need, and may this person use it?"""
    wanted = {need} if need else GENERAL_NEEDS
    if not wanted & set(service.needs):
        return False
    rules = service.eligibility
    if rules.gender == "men" and person.gender != "men":
        return False
    if rules.gender == "women" and person.gender == "men":
        return False
    if rules.lgbt_specialist and not person.lgbt:
        return False
    if person.age is not None:
        if rules.min_age is not None and person.age < rules.min_age:
            return False
        if rules.max_age is not None and person.age > rules.max_age:
            return False
    elif rules.max_age is not None and rules.max_age < 18 + 1 and need != "children-young-people":
        return False
    return True


def _contactable(service: Service) -> bool:
    """Someone can call or write to it themselves."""
    return bool(service.phones or service.email) and not service.referral_only


def _specialist(service: Service, person: Person) -> bool:
    rules = service.eligibility
    return bool((rules.lgbt_specialist and person.lgbt)
                or (rules.gender == "men" and person.gender == "men"))


def _rank(hit: Hit, person: Person, need: str | None) -> tuple:
    service = hit.service
    specialist = _specialist(service, person)
    primary = service.needs[0] in ({need} if need else GENERAL_NEEDS)
    language = bool(person.language and person.language in service.languages)
    return (not specialist, service.id != FALLBACK_ID, not primary, not language,
            service.referral_only, not _contactable(service),
            hit.open_now is False, service.name)


def search(directory: Directory, area_id: str | None, need: str | None = None,
           person: Person | None = None, now: datetime | None = None, limit: int = 3
           ) -> SearchResult:
    """At most `limit` services; always ends with a contactable national fallback if needed."""
    person = person or Person()
    scopes: list[tuple[str, str]] = []
    if area_id and area_id in directory.areas:
        scopes.append(("local", area_id))
        scopes.append(("county", directory.areas[area_id].region))
    scopes.append(("national", NATIONAL))
    hits: list[Hit] = []
    seen: set[str] = set()
    for tier, scope in scopes:
        tier_hits = []
        for service in directory.by_coverage.get(scope, ()):
            if service.id in seen or not fits(service, need, person):
                continue
            seen.add(service.id)
            tier_hits.append(Hit(service, tier, is_open(service.schedules, now)))
        hits.extend(sorted(tier_hits, key=lambda h: _rank(h, person, need)))
    specialist = next((h for h in hits if _specialist(h.service, person)), None)
    all_hits, hits = hits, hits[:limit]
    if specialist is not None and specialist not in hits:
        hits = hits[: limit - 1] + [specialist]
    if not any(_contactable(h.service) for h in hits):
        backup = next((h for h in all_hits if _contactable(h.service)), None)
        fallback = directory.services.get(FALLBACK_ID)
        if backup is None and fallback is not None and fallback.offered:
            backup = Hit(fallback, "national", is_open(fallback.schedules, now))
        if backup is not None:
            hits = hits[: limit - 1] + [backup]
    alternative = None
    if any(h.open_now is False for h in hits):
        alternative = _alternative(directory, need, person, {h.service.id for h in hits})
    return SearchResult(hits, alternative)


def _alternative(directory: Directory, need: str | None, person: Person,
                 shown: set[str]) -> Service | None:
    """A 24-hour service for the same need, else the 24-hour national helpline."""
    for service in directory.by_coverage.get(NATIONAL, ()):
        if is_24_hours(service.schedules) and fits(service, need, person) and \
                service.id not in shown:
            return service
    fallback = directory.services.get(FALLBACK_ID)
    if fallback is not None and fallback.offered and is_24_hours(fallback.schedules):
        return fallback
    return None
