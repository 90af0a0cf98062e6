"""Rank services for a place, a need and a person: local first, then county/region, then national.

Every service a person is shown comes with something they can do now. A service with no public
phone or email (most local services: the council reports give no numbers) or a referral-only
route is shown only beside a contactable service it names in `see_also`, else the National
Domestic Abuse Helpline (24 hours), and it gives up its place when there is no room for the
pair. Before, "Call the national Victim Support Supportline" could be shown without that line's
number, and a reply could hold only dead ends apart from one fallback.
"""
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
    partner_of: str | None = None  # the id of the service without a contact it is shown for


@dataclass
class SearchResult:
    hits: list[Hit]
    alternative: Service | None = None  # a 24-hour service to name when a listed one is closed


def fits(service: Service, need: str | None, person: Person) -> bool:
    """Does this service offer the need, and may this person use it?"""
    wanted = {need} if need else GENERAL_NEEDS
    return bool(wanted & set(service.needs)) and _eligible(service, need, person)


def _eligible(service: Service, need: str | None, person: Person) -> bool:
    """May this person use the service (gender, LGBT+ specialism, age)?"""
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


def contactable(service: Service) -> bool:
    """Someone can call or write to it themselves."""
    return bool(service.phones or service.email) and not service.referral_only


def _specialist(service: Service, person: Person) -> bool:
    rules = service.eligibility
    return bool((rules.lgbt_specialist and person.lgbt)
                or (rules.gender == "men" and person.gender == "men"))


def _rank(hit: Hit, person: Person, need: str | None, place: str) -> tuple:
    service = hit.service
    specialist = _specialist(service, person)
    here = place in (town.lower() for town in service.towns)  # based in their town
    elsewhere = bool(place and service.towns) and not here  # another part of the area
    primary = service.needs[0] in ({need} if need else GENERAL_NEEDS)
    language = bool(person.language and person.language in service.languages)
    return (not specialist, service.id != FALLBACK_ID, not here, elsewhere, not primary,
            not language,
            service.referral_only, not contactable(service),
            hit.open_now is False, service.name)


def search(directory: Directory, area_id: str | None, need: str | None = None,
           person: Person | None = None, now: datetime | None = None, limit: int = 3,
           place: str | None = None) -> SearchResult:
    """At most `limit` services; always ends with a contactable national fallback if needed.
    Within a tier, a service based in the person's `place` (its `towns`) comes first, and one
    that works only in other towns of the area comes after the area-wide ones."""
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
        hits.extend(sorted(tier_hits, key=lambda h: _rank(h, person, need,
                                                          (place or "").lower())))
    specialist = next((h for h in hits if _specialist(h.service, person)), None)
    all_hits = hits
    if specialist is not None and specialist not in hits[:limit]:
        hits = hits[: limit - 1] + [specialist] + [h for h in hits[limit - 1:]
                                                   if h is not specialist]
    hits = _with_partners(directory, hits, limit, specialist, scopes, need, person, now)
    if not any(contactable(h.service) for h in hits):
        backup = next((h for h in all_hits if contactable(h.service)), None)
        fallback = directory.services.get(FALLBACK_ID)
        if backup is None and fallback is not None and fallback.offered:
            backup = Hit(fallback, "national", is_open(fallback.schedules, now))
        if backup is not None:
            hits = hits[: limit - 1] + [backup]
    alternative = None
    if any(h.open_now is False for h in hits):
        alternative = _alternative(directory, need, person, {h.service.id for h in hits})
    return SearchResult(hits, alternative)


def _partner(directory: Directory, service: Service, scopes: list[tuple[str, str]],
             need: str | None, person: Person, now: datetime | None) -> Hit | None:
    """A number to call now, to show beside a service the person cannot contact themselves."""
    for other_id in (*service.see_also, FALLBACK_ID):
        other = directory.services.get(other_id)
        if other is not None and other.offered and contactable(other) and \
                _eligible(other, need, person):
            tier = next((t for t, scope in scopes if scope in other.service_areas), "national")
            return Hit(other, tier, is_open(other.schedules, now), partner_of=service.id)
    return None


def _with_partners(directory: Directory, ranked: list[Hit], limit: int, specialist: Hit | None,
                   scopes: list[tuple[str, str]], need: str | None, person: Person,
                   now: datetime | None) -> list[Hit]:
    """The first `limit` hits in rank order, each one without a contact followed by its partner
    (or skipped when the pair does not fit); a room is kept for the specialist."""
    chosen: list[Hit] = []
    shown: set[str] = set()
    for hit in ranked:
        if len(chosen) >= limit:
            break
        if hit.service.id in shown:
            continue
        group = [hit]
        if not contactable(hit.service):
            partner = _partner(directory, hit.service, scopes, need, person, now)
            if partner is None:
                continue
            if partner.service.id not in shown:
                group.append(partner)
        reserved = specialist is not None and specialist.service.id not in shown and \
            all(h.service.id != specialist.service.id for h in group)
        if len(chosen) + len(group) + reserved > limit:
            continue
        chosen.extend(group)
        shown.update(h.service.id for h in group)
    return chosen


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
