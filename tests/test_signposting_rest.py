"""End to end: local services over the REST channel, from the directory files."""
import itertools

from tests.conftest import RestClient

_ids = itertools.count()


def sender() -> str:
    return f"signpost-{next(_ids)}"


def test_tamworth_gets_the_pathway_project_and_its_number(rest: RestClient) -> None:
    text = " ".join(rest.texts(sender(), "I'm in Tamworth and need help"))
    assert "Pathway Project" in text
    assert "01543 676800" in text
    assert "999" in text


def test_asking_without_a_place_gets_a_question_then_an_answer(rest: RestClient) -> None:
    person = sender()
    question = " ".join(rest.texts(person, "what support is there near me"))
    assert "town or postcode" in question
    answer = " ".join(rest.texts(person, "ST13"))
    assert "Staffordshire Moorlands" in answer and "Arch North Staffs" in answer


def test_a_misspelt_place_still_resolves(rest: RestClient) -> None:
    text = " ".join(rest.texts(sender(), "i need a refuge near macclesfeild"))
    assert "Macclesfield" in text and "Cheshire East" in text


def test_a_place_outside_the_covered_areas_gets_national_services(rest: RestClient) -> None:
    text = " ".join(rest.texts(sender(), "I live in Glasgow and need help"))
    assert "don't list local services" in text
    assert "0808 2000 247" in text


def test_signposting_never_offers_a_referral_only_route_as_a_number(rest: RestClient) -> None:
    text = " ".join(rest.texts(sender(), "what is MARAC in Wirral"))
    for line in text.split("\n"):
        if "MARAC" in line:
            assert "Call " not in line
