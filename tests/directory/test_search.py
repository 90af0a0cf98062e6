"""Search: local, then county/region, then national; eligibility; open now in Europe/London."""
from __future__ import annotations

from datetime import datetime, timezone

from helpline.directory.extract import Person, person_from_text
from helpline.directory.search import search
from helpline.directory.validate import load_directory

OFFICE_HOURS = """\
organizations:
  - id: test-org
    name: Test organisation
    description: For tests.
services:
  - id: office-hours-service
    organization: test-org
    name: Office hours service
    description: Open weekdays only.
    needs: [helpline]
    status: active
    phones:
      - number: "01782 205500"
    schedules:
      - freq: WEEKLY
        byday: MO,TU,WE,TH,FR
        opens_at: "09:00"
        closes_at: "17:00"
    service_areas: [tamworth]
    source: 001_589c176e9c6d0884.txt
    last_reviewed: 2026-11-01
"""


def test_ranking_is_local_then_county_then_national(loaded):
    hits = search(loaded.directory, "tamworth", "helpline").hits
    assert [h.tier for h in hits] == ["local", "county", "national"]
    assert [h.service.id for h in hits] == ["pathway-project-helpline",
                                            "staffordshire-victim-gateway",
                                            "national-domestic-abuse-helpline"]


def test_inactive_services_are_never_offered(loaded):
    for area in loaded.directory.areas:
        for need in [None, *loaded.directory.needs]:
            for hit in search(loaded.directory, area, need, limit=50).hits:
                assert hit.service.status == "active"


def test_eligibility_men_and_lgbt(loaded):
    plain = {h.service.id for h in search(loaded.directory, "trafford", None, Person()).hits}
    assert "mens-advice-line" not in plain and "galop-helpline" not in plain
    men = search(loaded.directory, "trafford", None, person_from_text("I'm a man")).hits
    assert "mens-advice-line" in {h.service.id for h in men}
    lgbt = search(loaded.directory, "trafford", None, person_from_text("I'm gay")).hits
    assert "galop-helpline" in {h.service.id for h in lgbt}
    women_only = search(loaded.directory, "halton", "refuge", Person(gender="men")).hits
    assert "halton-refuge" not in {h.service.id for h in women_only}


def test_outside_area_gets_national_only(loaded):
    hits = search(loaded.directory, None, None).hits
    assert hits and all(h.tier == "national" for h in hits)


def test_always_something_to_call(loaded):
    for area in loaded.directory.areas:
        for need in [None, *loaded.directory.needs]:
            hits = search(loaded.directory, area, need).hits
            assert any(h.service.phones and not h.service.referral_only for h in hits), (area, need)


def test_open_now_uses_london_time_and_names_a_24_hour_alternative(folder):
    (folder / "test.yml").write_text(OFFICE_HOURS)
    directory = load_directory(folder).directory
    assert directory is not None
    # 08:30 UTC on Monday 6 July 2026 is 09:30 in London (BST): open.
    summer = search(directory, "tamworth", "helpline",
                    now=datetime(2026, 7, 6, 8, 30, tzinfo=timezone.utc))
    office = next(h for h in summer.hits if h.service.id == "office-hours-service")
    assert office.open_now is True and summer.alternative is None
    # 08:30 UTC on Monday 5 January 2026 is 08:30 in London (GMT): closed.
    winter = search(directory, "tamworth", "helpline",
                    now=datetime(2026, 1, 5, 8, 30, tzinfo=timezone.utc))
    office = next(h for h in winter.hits if h.service.id == "office-hours-service")
    assert office.open_now is False
    assert winter.alternative is not None
    assert winter.alternative.id == "national-domestic-abuse-helpline"
    saturday = search(directory, "tamworth", "helpline",
                      now=datetime(2026, 7, 4, 12, 0, tzinfo=timezone.utc))
    assert next(h for h in saturday.hits if h.service.id == "office-hours-service").open_now \
        is False


def test_a_service_based_in_the_persons_town_comes_first(loaded):
    """Crewe was shown the north of the borough's service before the one in Crewe."""
    def local(place: str) -> list[str]:
        hits = search(loaded.directory, "cheshire-east", "community-support", place=place).hits
        return [h.service.id for h in hits if h.tier == "local" and h.partner_of is None]

    south, north = "arch-crewe-refuge", "barnardos-cheshire-east-support"
    assert local("Crewe")[0] == south and local("Nantwich")[0] == south
    assert local("Wilmslow")[0] == north and local("Macclesfield")[0] == north
    # Elsewhere in the area, a service that covers the whole area comes before either.
    congleton = local("Congleton")
    assert congleton[0] not in (south, north), congleton


def test_towns_must_be_places_in_the_services_areas(folder):
    path = folder / "extra.yml"
    path.write_text(OFFICE_HOURS.replace("    service_areas: [tamworth]\n",
                                         "    service_areas: [tamworth]\n    towns: [Crewe]\n"))
    result = load_directory(folder)
    assert result.directory is None
    assert any("town 'Crewe' is not a place in this service's areas" in p.message
               for p in result.errors)
