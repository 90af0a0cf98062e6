"""action_signpost with real rasa_sdk Tracker and CollectingDispatcher objects."""
from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import signposting
from bot.actions.signposting import DANGER_LINE, SMS_LIMIT, ActionSignpost
from helpline.directory.live import LiveDirectory


def tracker(text: str, slots: dict[str, Any] | None = None,
            entities: list[dict] | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": "ask_local_services", "confidence": 1.0},
              "entities": entities or []}
    return Tracker("test-sender", slots or {}, latest, [], False, None, {}, "action_listen")


@pytest.fixture()
def run(loaded, monkeypatch):
    """Run the real action against the real directory files."""
    live = LiveDirectory(signposting.settings.directory_dir())
    live.current = loaded
    live._signature = __import__("helpline.directory.live", fromlist=["_signature"])._signature(
        live.folder)
    monkeypatch.setattr(signposting, "_live", live)

    def _run(text: str, **kwargs: Any) -> tuple[list[dict], list[dict]]:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionSignpost().run(dispatcher, tracker(text, **kwargs), {}))
        assert dispatcher.messages
        return dispatcher.messages, events
    return _run


def test_tamworth_names_pathway_and_its_number(run):
    messages, events = run("I'm in Tamworth and need help")
    text = messages[0]["text"]
    assert "Pathway Project" in text and "01543 676800" in text
    assert text.index("Pathway Project") < text.index("National Domestic Abuse Helpline")
    assert text.endswith(DANGER_LINE)
    assert len(text) <= SMS_LIMIT
    assert SlotSet("place", "Tamworth") in events


def test_at_most_three_services_and_short(run, loaded):
    for area in loaded.directory.areas.values():
        for need in [None, *loaded.directory.needs]:
            label = loaded.directory.needs[need].words[0] if need else "help"
            messages, _ = run(f"{label} in {area.places[0] if area.places else area.name}")
            text = messages[0]["text"]
            assert len(re.findall(r"^\d\. ", text, re.M)) <= 3
            assert len(text) <= SMS_LIMIT, text
            assert text.endswith(DANGER_LINE)


def test_no_place_asks_and_remembers_the_need(run):
    messages, events = run("I need a refuge")
    assert "town or postcode" in messages[0]["text"]
    assert events == [SlotSet("need", "refuge")]
    # The next message is just a place: the remembered need is used.
    messages, _ = run("WA8", slots={"need": "refuge"})
    assert "Halton refuge" in messages[0]["text"]


def test_ambiguous_place_gets_buttons(run):
    messages, _ = run("Hale")
    assert "more than one area" in messages[0]["text"]
    titles = {b["title"] for b in messages[0]["buttons"]}
    assert titles == {"Hale (Trafford)", "Hale (Halton)"}
    payload = messages[0]["buttons"][0]["payload"]
    assert payload.startswith("/find_service{")
    # Pressing a button sends the area name back: it resolves.
    messages, _ = run(payload, entities=[{"entity": "place", "value": "Halton"}])
    assert "Halton" in messages[0]["text"] and "buttons" not in messages[0] or \
        not messages[0].get("buttons")


def test_place_outside_gets_national_and_honest_message(run):
    messages, _ = run("I live in Leeds")
    text = messages[0]["text"]
    assert "don't list local services for Leeds yet" in text
    assert "0808 2000 247" in text and text.endswith(DANGER_LINE)


def test_referral_only_services_are_explained_not_offered_as_a_number(run, loaded):
    messages, _ = run("is there a marac in Wirral")
    text = messages[0]["text"]
    assert "Wirral MARAC" in text and "Referral only (not a number to call)" in text
    marac_line = next(line for line in text.splitlines() if "MARAC:" in line)
    assert not re.search(r"\d{4} ?\d{3}", marac_line)


def test_inactive_services_never_appear(run, loaded):
    inactive = [s.name for s in loaded.directory.services.values() if not s.offered]
    for text in ["perpetrator programme in Stafford", "help in Trafford", "idva in Widnes",
                 "my behaviour, I live in Sale"]:
        messages, _ = run(text)
        assert not any(name in messages[0]["text"] for name in inactive)


def test_slot_place_is_used_when_the_message_has_none(run):
    messages, _ = run("I need somewhere safe to stay", slots={"place": "Trafford"})
    assert "TDAS refuge" in messages[0]["text"]


def test_internal_error_gives_the_national_helpline(run, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(signposting, "search", broken)
    messages, events = run("I'm in Tamworth and need help, my name is Private Person")
    text = messages[0]["text"]
    assert "can't look up local services right now" in text and "0808 2000 247" in text
    assert events == []
    assert "Private Person" not in caplog.text and "Tamworth" not in caplog.text


def test_no_directory_loaded_still_answers(monkeypatch, tmp_path):
    live = LiveDirectory(tmp_path / "missing")
    monkeypatch.setattr(signposting, "_live", live)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionSignpost().run(dispatcher, tracker("Leek"), {}))
    assert "0808 2000 247" in dispatcher.messages[0]["text"]
