"""action_signpost: find local, then county, then national services for a place and a need."""
from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from helpline import advisor_queue, settings, stats
from helpline.directory.extract import person_from_text
from helpline.directory.format import BRIEF, REPLY, service_text
from helpline.directory.live import LiveDirectory, Loaded
from helpline.directory.places import PlaceResult
from helpline.directory.search import Hit, SearchResult, search

log = logging.getLogger(__name__)

DANGER_LINE = "In danger now? Call 999."
FALLBACK_TEXT = ("Sorry, I can't look up local services right now. The National Domestic Abuse "
                 "Helpline is free and open 24 hours: 0808 2000 247.\n" + DANGER_LINE)
ASK_PLACE = ("Which town or postcode are you in? The town name or the first part of your "
             "postcode (like ST13) is enough.")
SMS_LIMIT = 459  # 3 SMS segments of GSM-7 text
_live: LiveDirectory | None = None


def live_directory() -> LiveDirectory:
    """One directory per action-server process, reloaded when the files change."""
    global _live
    if _live is None:
        _live = LiveDirectory(settings.directory_dir())
    return _live


def service_line(hit: Hit, index: int, brief: bool) -> str:
    """A found service as one numbered line of a reply (shorter when ``brief``)."""
    return service_text(hit.service, BRIEF if brief else REPLY, index, hit.open_now)


def _render(hits: list[Hit], heading: str, alt: Any, brief: bool) -> str:
    lines = [heading] + [service_line(h, i, brief) for i, h in enumerate(hits, start=1)]
    if alt is not None and any(h.open_now is False for h in hits):
        number = alt.phones[0].number if alt.phones else ""
        lines.append(f"Open 24 hours instead: {alt.name} {number}.")
    lines.append(DANGER_LINE)
    return "\n".join(lines)


def compose(result: SearchResult, heading: str) -> str:
    """The answer, shortened until it fits in 3 SMS segments; contactable services stay."""
    hits = list(result.hits)
    text = _render(hits, heading, result.alternative, False)
    if len(text) <= SMS_LIMIT:
        return text
    while True:
        text = _render(hits, heading, result.alternative, True)
        if len(text) <= SMS_LIMIT or len(hits) == 1:
            return text
        droppable = [h for h in hits if not (h.service.phones and not h.service.referral_only)]
        hits.remove(droppable[-1] if droppable else hits[-1])


def _place_from_slot(loaded: Loaded, slot_place: Any) -> PlaceResult | None:
    if not isinstance(slot_place, str) or not slot_place.strip():
        return None
    by_id = loaded.places.resolve_area(slot_place)
    return by_id if by_id.status == "found" else loaded.places.resolve(slot_place)


def resolve_place(loaded: Loaded, tracker: Tracker) -> PlaceResult:
    """The place in the latest message, else its place entity, else the remembered place."""
    place = loaded.places.resolve((tracker.latest_message or {}).get("text") or "")
    if place.status == "none":
        entity_place = next(tracker.get_latest_entity_values("place"), None)
        place = _place_from_slot(loaded, entity_place) or place
    if place.status == "none":
        place = _place_from_slot(loaded, tracker.get_slot("place")) or place
    return place


def place_buttons(place: PlaceResult) -> list[dict[str, str]]:
    """One button per area a place name could mean."""
    return [{"title": c.label, "payload": "/find_service" + json.dumps({"place": c.area_name})}
            for c in place.choices[:5]]


CHANNEL_NAMES = {"rest": "web_chat", "webchat": "web_chat", "sms": "sms", "twilio": "sms",
                 "telegram": "telegram"}


def count_answer(tracker: Tracker, now: datetime | None, area: str | None,
                 *pairs: tuple[str, str]) -> None:
    """Add one answer to the demand counts (helpline.stats): its channel, whether advisors
    were on hours, and `pairs`. No id and no text."""
    channel = CHANNEL_NAMES.get(tracker.get_latest_input_channel() or "", "other")
    stats.count([("channel", channel), ("hours", "in" if advisor_queue.is_open(now) else "out"),
                 *pairs], area, now=now)


class DirectoryAction(Action, ABC):
    """An action that answers from the directory: without one (not loaded, or an error) it
    gives the national helpline instead, and never logs what was written."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        try:
            loaded = live_directory().get()
            if loaded is not None:
                return self.answer(dispatcher, tracker, loaded)
        except Exception as error:  # noqa: BLE001 - never crash the conversation
            log.error("%s failed (%s); gave the national helpline instead", self.name(),
                      type(error).__name__)
        dispatcher.utter_message(text=FALLBACK_TEXT)
        return []

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, loaded: Loaded,
               now: datetime | None = None) -> list[EventType]:
        """The answer from a loaded directory."""


class ActionSignpost(DirectoryAction):
    """Reads the latest message (and the place/need slots), searches and answers briefly."""

    def name(self) -> str:
        return "action_signpost"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, loaded: Loaded,
               now: datetime | None = None) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        need = loaded.needs.need(text) or tracker.get_slot("need")
        if need not in loaded.directory.needs:
            need = None
        person = person_from_text(text)
        place = resolve_place(loaded, tracker)

        if place.status == "none":
            dispatcher.utter_message(text=ASK_PLACE)
            return [SlotSet("need", need)]
        if place.status == "ambiguous":
            dispatcher.utter_message(
                text=f"{place.name} is in more than one area. Which one do you mean?",
                buttons=place_buttons(place))
            return [SlotSet("need", need)]

        directory = loaded.directory
        if place.status == "outside":
            result = search(directory, None, need, person, now)
            heading = (f"We don't list local services for {place.name} yet. "
                       "These national services can help:")
            dispatcher.utter_message(text=compose(result, heading))
            count_answer(tracker, now, stats.OUTSIDE,
                         ("place_outside", loaded.places.counted_name(place.name)))
            return [SlotSet("place", place.name), SlotSet("need", need)]

        area = directory.areas[place.area_id]
        result = search(directory, area.id, need, person, now, place=place.name)
        label = directory.needs[need].label.split(" (")[0] if need else "Support"
        heading = f"{label} for {place.name} ({area.name}):" \
            if place.name.lower() != area.name.lower() else f"{label} in {area.name}:"
        dispatcher.utter_message(text=compose(result, heading))
        local = [hit for hit in result.hits if hit.tier != "national"]
        count_answer(tracker, now, area.id, *[("service", hit.service.id) for hit in result.hits],
                     *([] if local else [("need_unmet", need or "general")]))
        return [SlotSet("place", area.name), SlotSet("need", need)]
