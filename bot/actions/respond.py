"""action_respond: one composed answer to a situation; action_clarify: ask when unsure.

The answer covers everything the reading found (`helpline.understanding.routes`), in a fixed
order: an opening for who is writing, one line per specific route, local services when the
place is known (or a request for it), then the 24-hour helpline. Danger comes first, from the
domain response ``utter_danger`` that the rules run before this action, so 999 never depends
on the action server; after it (and after ``utter_what_is_abuse``) only what they did not say
is added.

Every phone number here comes from the directory's national services (``{service-id}`` in
the parts below), each with its source and review date: none is written in this file.
Someone describing their own behaviour gets the Respect Phoneline and is never told "it is not
your fault"; victim services are not offered to them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.signposting import (
    DANGER_LINE,
    DirectoryAction,
    count_answer,
    place_buttons,
    resolve_place,
    service_line,
)
from helpline import stats
from helpline.answers import PARTS
from helpline.directory.extract import person_from_text
from helpline.directory.live import Loaded
from helpline.directory.search import FALLBACK_ID, contactable, search
from helpline.understanding import CLARIFY, CONCERNED, OWN, READING, YOUNG, Reading, routes

CLARIFY_ROLE = "Thank you for telling me. So I can point you to the right help, which fits best?"
ROLE_BUTTONS = [
    {"title": "Someone is hurting me", "payload": "/victim"},
    {"title": "I'm worried about my own behaviour", "payload": "/own_behaviour"},
    {"title": "I'm worried about someone else", "payload": "/concerned_other"},
]
# Need ids in the directory for a route, most specific first.
NEED_OF_ROUTE = {"sexual_violence": "isva-sexual-violence", "stalking": "stalking",
                 "forced_marriage": "forced-marriage", "safe_tonight": "refuge",
                 OWN: "perpetrator-programme", YOUNG: "children-young-people"}
# Domain responses that already said the opening and the helpline in this turn.
LEADS = {"utter_danger", "utter_what_is_abuse"}
ROLE_INTENTS = {"victim": "victim", "own_behaviour": OWN, "concerned_other": CONCERNED,
                "young_person": YOUNG}
LOCAL_SERVICES = 2

CLARIFY_TITLES = {
    "victim": "Someone is hurting me", "concerned_other": "I'm worried about someone",
    "own_behaviour": "I'm worried about my own behaviour", "young_person": "I'm under 18",
    "ask_is_abuse": "Is this abuse?", "ask_human": "Talk to a person",
    "find_service": "Find local services", "device_safety": "Staying safe on this device",
    "stalking": "Stalking or harassment", "sexual_violence": "Rape or sexual assault",
    "forced_marriage": "Forced marriage or honour", "lgbt": "LGBT+ support",
    "male_victim": "Support for men", "children": "Children at home",
    "nrpf": "Immigration status", "want_to_leave": "Leaving safely",
    "ask_wait": "How long is the wait?", "bot_challenge": "Who am I talking to?",
}
DIDNT_UNDERSTAND = ("Sorry, I didn't understand that. I'm an automated assistant and I only read "
                    "English for now. Could you tell me in a few words what's happening, or "
                    "choose an option?")
DEFAULT_BUTTONS = [{"title": CLARIFY_TITLES[i], "payload": f"/{i}"}
                   for i in ("ask_is_abuse", "concerned_other", "ask_human")]
CLARIFY_TEXT = "I want to make sure I point you to the right help. Which is closest?"
CLARIFY_MIN_CONFIDENCE = 0.08


def numbers(loaded: Loaded) -> dict[str, str]:
    """The first phone number of every national service, by id."""
    return {s.id: s.phones[0].number for s in loaded.directory.services.values()
            if s.phones and not s.referral_only}


def part(label: str, phones: dict[str, str]) -> str:
    return PARTS[label].format_map(phones)


def reading_of(tracker: Tracker) -> Reading:
    """This message's reading; a button (``/victim``) keeps the circumstances read before."""
    latest = tracker.latest_message or {}
    reading = Reading.from_dict(latest.get(READING))
    intent = (latest.get("intent") or {}).get("name")
    if reading.role is None and (latest.get("text") or "").startswith("/"):
        before = Reading.from_dict(tracker.get_slot("reading"))
        role = ROLE_INTENTS.get(intent or "", before.role or "victim")
        return Reading(role, before.circumstances, before.age)
    if reading.role is None and intent in ROLE_INTENTS:
        return Reading(ROLE_INTENTS[intent], reading.circumstances, reading.age)
    return reading


def _this_turn(tracker: Tracker) -> list[str]:
    """Names of the actions run since the latest user message."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action":
            names.append(event.get("name"))
    return names


def _first_contact(tracker: Tracker) -> bool:
    return not any(e.get("event") == "bot" for e in tracker.events)


class ActionRespond(DirectoryAction):
    """Composes one answer from the reading of the latest message."""

    def name(self) -> str:
        return "action_respond"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, loaded: Loaded,
               now: Optional[datetime] = None) -> list[EventType]:
        reading = reading_of(tracker)
        events: list[EventType] = [SlotSet("reading", reading.as_dict())]
        phones = numbers(loaded)
        labels = routes(reading)
        this_turn = set(_this_turn(tracker))
        if reading.role == CLARIFY:  # a child asked who is who still gets Childline
            text = "\n".join([CLARIFY_ROLE] + [part(x, phones) for x in labels if x == "childline"])
            dispatcher.utter_message(text=text, buttons=ROLE_BUTTONS)
            count_answer(tracker, now, None,
                         *demand(reading, "utter_danger" in this_turn, Local([])))
            return events
        led = bool(LEADS & this_turn)
        lines = []
        if _first_contact(tracker) and not led:
            lines.append(part("first_contact", phones))
        for label in labels:
            if led and label in ("victim", "young_person"):
                continue  # the danger or "is this abuse?" reply said it already
            lines.append(part(label, phones))
        local = self.local(loaded, tracker, reading, now)
        events += local.events
        lines += local.lines
        buttons = local.buttons
        count_answer(tracker, now, local.area,
                     *demand(reading, "utter_danger" in this_turn, local))
        if not led:
            if reading.role != OWN:
                lines.append(part("helpline", phones))
            lines.append(DANGER_LINE if reading.role != OWN else
                         "If anyone is in danger now, call 999.")
        if lines:
            dispatcher.utter_message(text="\n".join(lines), buttons=buttons or [])
        return events

    @staticmethod
    def local(loaded: Loaded, tracker: Tracker, reading: Reading,
              now: Optional[datetime]) -> Local:
        """Lines about local services, the slot events, buttons to choose a place, and what
        the answer adds to the demand counts."""
        text = (tracker.latest_message or {}).get("text") or ""
        place = resolve_place(loaded, tracker)
        if place.status == "none":
            return Local([PARTS["ask_place"]])
        if place.status == "ambiguous":
            return Local([f"{place.name} is in more than one area. Which one do you mean?"],
                         buttons=place_buttons(place))
        need = next((NEED_OF_ROUTE[r] for r in (reading.role, *reading.circumstances)
                     if r in NEED_OF_ROUTE), None) or loaded.needs.need(text)
        if need not in loaded.directory.needs:
            need = None
        person = person_from_text(text)
        if place.status == "outside":
            return Local([f"We don't list local services for {place.name} yet; the national "
                          "services here can help wherever you are."],
                         [SlotSet("place", place.name)], area=stats.OUTSIDE,
                         counted=[("place_outside", loaded.places.counted_name(place.name))])
        area = loaded.directory.areas[place.area_id]
        result = search(loaded.directory, area.id, need, person, now, place=place.name)
        # Local first; of those, services a person can contact themselves first. One they
        # can't comes with the number search paired it with (Victim Support's national line),
        # unless that is the 24-hour helpline this answer gives anyway.
        partners = {hit.partner_of: hit for hit in result.hits
                    if hit.partner_of and hit.service.id != FALLBACK_ID}
        groups = [[hit, *([partners[hit.service.id]] if hit.service.id in partners else [])]
                  for hit in result.hits if hit.tier != "national" and hit.partner_of is None]
        groups.sort(key=lambda group: not contactable(group[0].service))
        local = [hit for group in groups[:LOCAL_SERVICES] for hit in group]
        lines = [f"Near {place.name} ({area.name}):" if place.name.lower() != area.name.lower()
                 else f"In {area.name}:"]
        lines += [service_line(hit, index, brief=True)
                  for index, hit in enumerate(local, start=1)]
        counted = [("service", hit.service.id) for hit in local]
        if not local:
            lines = [f"I couldn't find a local service for this in {area.name}; the national "
                     "services here can help."]
            counted.append(("need_unmet", need or "general"))
        return Local(lines, [SlotSet("place", area.name)], area=area.id, counted=counted)


class Local(NamedTuple):
    """The local part of an answer, and what it adds to the demand counts."""

    lines: list[str]
    events: list[EventType] = []
    buttons: list[dict] = []
    area: Optional[str] = None  # an area id, stats.OUTSIDE, or None when not given
    counted: list[tuple[str, str]] = []


def demand(reading: Reading, danger: bool, local: Local) -> list[tuple[str, str]]:
    """What one answer adds to the demand counts, beside its channel and hours."""
    return [("who", reading.role or "unknown"), ("danger", "yes" if danger else "no"),
            *[("circumstance", c) for c in reading.circumstances], *local.counted]


def clarify_options(ranking: list[dict[str, Any]]) -> list[str]:
    """The two or three likeliest readings worth offering as buttons."""
    return [r["name"] for r in ranking
            if r.get("name") in CLARIFY_TITLES
            and r.get("confidence", 0) >= CLARIFY_MIN_CONFIDENCE][:3]


class ActionClarify(Action):
    """When the model is unsure: offer its likeliest readings as buttons."""

    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        latest = tracker.latest_message or {}
        options = clarify_options(latest.get("intent_ranking") or [])
        events: list[EventType] = [SlotSet("reading", Reading.from_dict(
            latest.get(READING)).as_dict())]
        if not options:
            dispatcher.utter_message(text=DIDNT_UNDERSTAND, buttons=DEFAULT_BUTTONS)
            return events
        buttons = [{"title": CLARIFY_TITLES[o], "payload": f"/{o}"} for o in options]
        if "ask_human" not in options:
            buttons.append({"title": CLARIFY_TITLES["ask_human"], "payload": "/ask_human"})
        dispatcher.utter_message(text=CLARIFY_TEXT, buttons=buttons)
        return events
