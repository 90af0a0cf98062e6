"""Coverage (issue 14): the districts and neighbourhoods the audit found missing resolve to
their areas, and every service the bot can show gives the person something to do now."""
from __future__ import annotations

import re

import pytest

from helpline.directory.extract import Person
from helpline.directory.format import BRIEF, REPLY, service_text
from helpline.directory.search import search

# A district split with a council we don't cover still belongs to ours; a district split
# between two of our areas asks which one.
DISTRICTS = [
    ("ST11", {"staffordshire-moorlands", "stafford"}),  # Blythe Bridge, Fulford
    ("ST12", {"stafford"}),  # Barlaston, Tittensor
    ("ST20", {"stafford"}),  # Gnosall, Woodseaves
    ("WV6", {"south-staffordshire"}),  # Perton, Pattingham (and Tettenhall, Wolverhampton)
    ("WV9", {"south-staffordshire"}),  # Coven (and Pendeford, Wolverhampton)
    ("WV10", {"south-staffordshire"}),  # Featherstone, Shareshill (and Bushbury)
    ("TF9", {"newcastle-under-lyme"}),  # Loggerheads (and Market Drayton, Shropshire)
    ("SK17", {"staffordshire-moorlands"}),  # Longnor (and Buxton, Derbyshire)
    ("M16", {"trafford"}),  # Old Trafford, Firswood (and Whalley Range, Manchester)
    ("CW6", {"cheshire-east"}),  # Bunbury (and Tarporley, Cheshire West and Chester)
    ("WS15", {"cannock-chase", "lichfield", "east-staffordshire"}),  # Rugeley, Abbots Bromley
]

PLACES = [
    ("Weston Coyney", "stoke-on-trent"), ("Penkhull", "stoke-on-trent"),
    ("Blurton", "stoke-on-trent"), ("Shelton", "stoke-on-trent"),
    ("Hartshill", "stoke-on-trent"), ("Chell", "stoke-on-trent"),
    ("Bidston", "wirral"), ("Woodchurch", "wirral"), ("New Ferry", "wirral"),
    ("Claughton", "wirral"),
    ("Goostrey", "cheshire-east"), ("Mobberley", "cheshire-east"),
    ("Wybunbury", "cheshire-east"), ("Bunbury", "cheshire-east"),
    ("West Bank", "halton"), ("Sandymoor", "halton"),
    ("Gorse Hill", "trafford"), ("Brooklands", "trafford"),
    ("Abbots Bromley", "east-staffordshire"),
]

# What the bot shows of how to reach a service must name someone to ask or a line to call.
ACTIONABLE = re.compile(r"\b(ask|call|refers?|police|GP|nurse|teacher|professional|"
                        r"helpline|supportline|line)\b", re.I)
PEOPLE = [Person(), Person(gender="men"), Person(gender="women"), Person(lgbt=True),
          Person(age=15), Person(age=40)]


def _areas(place) -> set[str]:
    if place.status == "found":
        return {place.area_id}
    return {c.area_id for c in place.choices}


@pytest.mark.parametrize("district,areas", DISTRICTS)
def test_each_district_resolves_alone_and_in_a_full_postcode(loaded, district, areas):
    for text in [district, district.lower(), f"{district} 9PQ", f"I'm in {district} 1AB"]:
        place = loaded.places.resolve(text)
        assert place.status == ("found" if len(areas) == 1 else "ambiguous"), text
        assert _areas(place) == areas, text


def test_a_full_postcode_in_a_sentence_resolves(loaded):
    for text in ["my postcode is CW6 9PQ", "my postcode is cw6 9pq", "CW69PQ"]:
        place = loaded.places.resolve(text)
        assert (place.status, place.area_id) == ("found", "cheshire-east"), text


@pytest.mark.parametrize("name,area", PLACES)
def test_each_neighbourhood_resolves(loaded, name, area):
    for text in [name, f"I live in {name}", f"im in {name.lower()} and scared"]:
        place = loaded.places.resolve(text)
        assert (place.status, place.area_id) == ("found", area), text


def test_weston_coyney_is_found_not_three_other_westons(loaded):
    place = loaded.places.resolve("I live in Weston Coyney")
    assert (place.status, place.name, place.area_id) == \
        ("found", "Weston Coyney", "stoke-on-trent")
    assert place.choices == []
    # Weston on its own is still a question.
    assert loaded.places.resolve("I live in Weston").status == "ambiguous"


def _results(loaded):
    """Every search the bot can make: each area and outside, each need, several people."""
    directory = loaded.directory
    for area in [None, *directory.areas]:
        for need in [None, *directory.needs]:
            for person in PEOPLE:
                yield (area, need, person), search(directory, area, need, person).hits


def _contactable(service) -> bool:
    return bool(service.phones or service.email) and not service.referral_only


def test_every_shown_service_without_a_contact_is_paired_with_one(loaded):
    checked = 0
    for case, hits in _results(loaded):
        ids = {h.service.id for h in hits}
        assert any(_contactable(h.service) for h in hits), case
        for hit in hits:
            service = hit.service
            if _contactable(service):
                continue
            partners = [loaded.directory.services[i] for i in
                        (*service.see_also, "national-domestic-abuse-helpline") if i in ids]
            assert any(_contactable(p) for p in partners), (case, service.id)
            checked += 1
    assert checked > 100


def test_every_shown_service_says_how_to_reach_it_in_one_whole_sentence(loaded):
    shown = {h.service.id: h.service for _case, hits in _results(loaded) for h in hits}
    for service in shown.values():
        for detail in (REPLY, BRIEF):
            line = service_text(service, detail)
            assert "..." not in line, line  # nothing cut mid-sentence
            if service.phones or service.email:
                assert "Call " in line or "Email " in line, line
                continue
            route = service.how_to_reach.split(". ")[0]
            assert not route.startswith("Our source"), service.id
            assert ACTIONABLE.search(route), (service.id, route)


def test_no_shown_service_says_no_number_listed(loaded):
    for _case, hits in _results(loaded):
        for hit in hits:
            for detail in (REPLY, BRIEF):
                assert "No number listed" not in service_text(hit.service, detail), \
                    hit.service.id


@pytest.mark.parametrize("service_id", [
    "wirral-drive",  # the report says only that the bid succeeded
    "wirral-family-matters",  # the report describes it as not yet in place
    "cheshire-east-gp-idva",  # time-limited funding to August 2015
    "leighton-hospital-idva",  # time-limited funding to January 2015
    "macclesfield-hospital-idva",  # time-limited funding to August 2015
])
def test_services_the_reports_do_not_show_running_are_never_offered(loaded, service_id):
    service = loaded.directory.services[service_id]
    assert not service.offered
    for _case, hits in _results(loaded):
        assert service_id not in {h.service.id for h in hits}


def test_no_attribution_the_reports_do_not_make(loaded):
    services = loaded.directory.services
    assert "safer families" not in services["cheshire-without-abuse-safer-families"].name.lower()
    assert services["young-peoples-violence-adviser"].organization_id != "cheshire-east-dafsu"
    assert "IDVA" not in services["wirral-family-safety-unit"].name
    assert "idva" not in services["wirral-family-safety-unit"].needs
