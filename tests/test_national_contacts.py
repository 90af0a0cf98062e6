"""Every number the bot gives from its domain responses is a sourced national contact."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"\b(?:0\d{3}|116)(?: ?\d{3,4}){1,2}\b")
EMERGENCY = {"999"}  # 999, and 55 for the Silent Solution, are the emergency route itself


def _responses() -> dict[str, str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return {name: " ".join(v["text"] for v in variants)
            for name, variants in domain["responses"].items()}


def _national_numbers() -> dict[str, dict]:
    national = yaml.safe_load((ROOT / "directory" / "national.yml").read_text())
    numbers = {}
    for service in national["services"]:
        for phone in service.get("phones", []):
            numbers[re.sub(r"\D", "", phone["number"])] = service
    return numbers


def test_every_number_in_a_response_is_a_sourced_national_service() -> None:
    national = _national_numbers()
    found = set()
    for name, text in _responses().items():
        for number in NUMBER.findall(text):
            digits = re.sub(r"\D", "", number)
            found.add(digits)
            assert digits in national, f"{name} gives {number}, which is not in national.yml"
            service = national[digits]
            assert service["status"] == "active", (name, number)
            assert service["source"] and service["last_reviewed"], (name, number)
    assert {"08082000247", "116123"} <= found


def test_every_service_a_composed_answer_names_is_a_sourced_national_service() -> None:
    """action_respond fills {service-id} from the directory, so its numbers are sourced too."""
    from string import Formatter

    from helpline.answers import PARTS

    national = {s["id"]: s for s in yaml.safe_load(
        (ROOT / "directory" / "national.yml").read_text())["services"]}
    used = {field for text in PARTS.values() for _, field, _, _ in Formatter().parse(text)
            if field}
    assert {"respect-phoneline", "mens-advice-line", "galop-helpline", "childline",
            "karma-nirvana-helpline", "rape-crisis-support-line",
            "national-stalking-helpline", "national-domestic-abuse-helpline"} == used
    for service_id in used:
        service = national[service_id]
        assert service["status"] == "active" and service["phones"], service_id
        assert service["source"] and service["last_reviewed"], service_id


def test_the_national_list_is_stored_with_sources() -> None:
    """The foundation issue's national contacts, each with a source and a review date."""
    national = _national_numbers()
    for number in ["08082000247", "08088010327", "08088024040", "08009995428", "08005999247",
                   "08085002222", "08088020300", "08081689111", "08001111", "116123"]:
        service = national[number]
        assert service["status"] == "active" and "national list" in service["source"]
        assert service["last_reviewed"]


def test_danger_reply_gives_999_and_the_silent_solution() -> None:
    danger = _responses()["utter_danger"]
    assert danger.startswith("If you are in danger now, call 999.")
    assert "press 55" in danger and "Silent Solution" in danger
