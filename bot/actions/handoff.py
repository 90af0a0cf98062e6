"""Handoff to a human advisor: offer, escalate (queue), out-of-hours callback requests.

- The offer of a person (never forced) is the domain response ``utter_offer_person``, after
  danger, two misunderstandings or "not safe". Its button sends ``/ask_human``.
- ``action_handoff_escalate`` runs when the person asks for a person: in hours it queues the
  conversation (priority from helpline.risk over what they wrote) and tells them their place,
  an honest wait estimate and what to do meanwhile. The queue is offered only while the line
  is open (``advisor_queue.line_open``: within the hours and at least one advisor signed on), so
  nobody is queued to wait for nobody; otherwise it says when advisors are next on (or that
  none is on now, within the hours), counts the request as missed, and, on SMS or Telegram,
  starts ``callback_form`` if the domain has it.
- ``validate_callback_form`` / ``action_handoff_callback`` take a callback request: is it safe
  for us to call or text this number, how, and when. The web chat has no number of its own:
  once the domain has a ``callback_number`` slot, the form is offered there too and asks for
  one after "is it safe" (``required_slots``); it must be a UK mobile or landline
  (``advisor_queue.uk_number``, phonenumbers) and is kept only in our ``callback_numbers`` table,
  erased with the conversation. The slot holds "given", never the number.
- ``action_handoff_cancel`` takes the person out of the queue.
- ``action_handoff_wait`` answers "how long will I have to wait?" (intent ``ask_wait``): while
  queued, the person's place and the wait estimate, that they can keep writing and that 999
  is there in danger; when not queued, it says so and offers a person (``/ask_human``).

Nothing a person wrote is logged.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from helpline import advisor_queue, danger, risk, stats

log = logging.getLogger(__name__)

HELPLINE = "0808 2000 247"
MEANWHILE = (
    "While you wait: if you are in danger now, call 999 (on a mobile, if you can't speak, "
    f"dial 999 then press 55). The National Domestic Abuse Helpline is free, 24 hours: "
    f"{HELPLINE}. You can keep writing here, and your safety word still ends this chat at once."
)
CALLBACK_CHANNELS = {"sms": ("call", "text"), "twilio": ("call", "text"),
                     "telegram": ("text",), "rest": ("call", "text")}
# Channels with no number of their own: the person types one (``callback_number``).
TYPED_NUMBER_CHANNELS = ("rest",)
NUMBER_HELP = ("Please type a UK mobile or landline number, starting 07, 01, 02 or 03, or +44. "
               "To stop, type no.")
# Typed at any question of the callback form, these end it with nothing stored: without them
# a person who changed their mind was asked for a number after every message.
NOT_CONTACTED = (f"OK, we won't contact you. You can call the National Domestic Abuse Helpline, "
                 f"free, 24 hours: {HELPLINE}, when it is safe. In danger? Call 999.")
STOP_WORDS = frozenset({"cancel", "stop", "no", "nope", "no thanks", "no thank you",
                        "never mind", "nevermind", "forget it", "bye", "goodbye", "quit"})


def callback_offered(channel: Optional[str], domain: DomainDict) -> bool:
    """The callback form is offered on this channel: SMS and Telegram have the number; the
    web chat only once the domain asks for a typed one (slot ``callback_number``)."""
    if channel not in CALLBACK_CHANNELS or "callback_form" not in (domain.get("forms") or {}):
        return False
    return channel not in TYPED_NUMBER_CHANNELS or \
        "callback_number" in (domain.get("slots") or {})
FAILURE = (f"Sorry, I couldn't reach the advisor queue just now. Please call the National "
           f"Domestic Abuse Helpline, free, 24 hours: {HELPLINE}. In danger now? Call 999.")


def conversation_signals(tracker: Tracker) -> set[str]:
    """Risk signals over everything the person wrote in this conversation."""
    texts, intents = [], []
    for event in tracker.events:
        if event.get("event") == "user":
            texts.append(event.get("text"))
            intents.append(((event.get("parse_data") or {}).get("intent") or {}).get("name"))
    return risk.detect_all(texts, intents)


def wait_text(place: int, estimate: Optional[tuple[int, int]]) -> str:
    ahead = "You are next in the queue." if place == 1 else f"You are number {place} in the queue."
    if estimate is None:
        return ahead + " I can't give you a reliable wait time right now."
    low, high = estimate
    return ahead + f" The wait may be about {low} to {high} minutes."


def channel_of(tracker: Tracker) -> Optional[str]:
    return tracker.get_latest_input_channel()


class ActionHandoffEscalate(Action):
    """Queue the conversation for an advisor (in hours) or explain when they are back."""

    def name(self) -> str:
        return "action_handoff_escalate"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> list[EventType]:
        channel = channel_of(tracker)
        try:
            held = advisor_queue.active_for(tracker.sender_id)
            if held is not None and held.status == advisor_queue.HELD:
                dispatcher.utter_message(text="An advisor is already with you in this chat.")
                return []
            in_hours = advisor_queue.is_open()
            if not (in_hours and advisor_queue.signed_on()):
                advisor_queue.record_missed()
                stats.count([("escalation", "no_advisor" if in_hours else "out_of_hours")])
                return self.out_of_hours(dispatcher, channel, domain, in_hours)
            entry = advisor_queue.enqueue(tracker.sender_id, channel, conversation_signals(tracker))
            stats.count([("escalation", "queued")])
            if entry.status == advisor_queue.HELD:
                dispatcher.utter_message(text="An advisor is already with you in this chat.")
                return []
            place = advisor_queue.place(entry) or 1
            estimate = advisor_queue.estimate_minutes(place)
        except Exception as error:  # noqa: BLE001 - the person still gets a safe answer
            log.error("Escalation failed (%s).", type(error).__name__)
            dispatcher.utter_message(text=FAILURE)
            return []
        dispatcher.utter_message(
            text="I've asked a trained advisor to join this chat. " + wait_text(place, estimate)
        )
        dispatcher.utter_message(text=MEANWHILE)
        return []

    @staticmethod
    def out_of_hours(dispatcher: CollectingDispatcher, channel: Optional[str],
                     domain: DomainDict, in_hours: bool = False) -> list[EventType]:
        """Out of hours, or within the hours with no advisor signed on."""
        when = None if in_hours else advisor_queue.next_open()
        back = (f"Our advisors are next available {advisor_queue.describe_time(when)} (UK time)."
                if when else "Our advisors are not available at the moment.")
        dispatcher.utter_message(
            text=f"{back} The National Domestic Abuse Helpline is free and open 24 hours: "
                 f"{HELPLINE}. If you are in danger now, call 999."
        )
        if callback_offered(channel, domain):
            dispatcher.utter_message(text="We can also contact you when advisors are back.")
            return [FollowupAction("callback_form")]
        return []


def parse_method(text: Any, allowed: tuple[str, ...]) -> Optional[str]:
    value = str(text or "").strip().lower()
    words = {"call": ("call", "phone", "ring", "voice"), "text": ("text", "sms", "message")}
    for method in allowed:
        if any(word in value for word in words[method]):
            return method
    return None


class ValidateCallbackForm(FormValidationAction):
    """Check the callback answers; a "no, not safe" ends the form with nothing stored."""

    def name(self) -> str:
        return "validate_callback_form"

    @staticmethod
    def _ended(dispatcher: CollectingDispatcher, **reply: Any) -> dict[str, Any]:
        """Say `reply`, store nothing, and count every question as answered so the form
        ends (the submit action then stores nothing: callback_safe is False)."""
        dispatcher.utter_message(**reply)
        return {"callback_safe": False, "callback_number": "none", "callback_method": "none",
                "callback_time": "none"}

    def _not_an_answer(self, value: Any, tracker: Tracker, dispatcher: CollectingDispatcher
                       ) -> Optional[dict[str, Any]]:
        """A typed answer that ends the request instead: danger (the lexicon) gets the 999
        reply; another language the interpreter line; a stop word the helpline. The model's
        own danger reading is not used here: it reads short answers such as "tues 2-4" or
        "ring me" as danger, and the form would drop a real request."""
        if danger.in_danger(str(value or "")):
            return self._ended(dispatcher, response="utter_danger")
        if (tracker.latest_message.get("intent") or {}).get("name") == "other_language":
            return self._ended(dispatcher, response="utter_other_language")
        if " ".join(str(value or "").lower().strip(" .!").split()) in STOP_WORDS:
            return self._ended(dispatcher, text=NOT_CONTACTED)
        return None

    def validate_callback_safe(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is False:
            return self._ended(dispatcher, text=NOT_CONTACTED)
        return {"callback_safe": value if value is True else None}

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        """A number is asked for only where the channel has none of its own (the web chat)."""
        if channel_of(tracker) in TYPED_NUMBER_CHANNELS:
            return list(domain_slots)
        return [slot for slot in domain_slots if slot != "callback_number"]

    def validate_callback_number(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """A UK number (advisor_queue.uk_number), kept only in our callback_numbers table (erased with
        the conversation); the slot says "given", never the number."""
        ended = self._not_an_answer(value, tracker, dispatcher)
        if ended is not None:
            return ended
        number = advisor_queue.uk_number(value)
        if number is None:
            dispatcher.utter_message(text=NUMBER_HELP)
            return {"callback_number": None}
        advisor_queue.keep_callback_number(tracker.sender_id, number)
        return {"callback_number": "given"}

    def validate_callback_method(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        ended = self._not_an_answer(value, tracker, dispatcher)
        if ended is not None:
            return ended
        allowed = CALLBACK_CHANNELS.get(channel_of(tracker) or "", ("call", "text"))
        method = parse_method(value, allowed)
        if method is None:
            dispatcher.utter_message(text="Please answer " + " or ".join(allowed)
                                     + ". To stop, type no.")
        return {"callback_method": method}

    def validate_callback_time(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        ended = self._not_an_answer(value, tracker, dispatcher)
        if ended is not None:
            return ended
        text = str(value or "").strip()
        if not text or len(text) > 100:
            dispatcher.utter_message(text="Please give a safe time in a few words, like "
                                          "\"weekday mornings\". To stop, type no.")
            return {"callback_time": None}
        return {"callback_time": text}


class ActionHandoffCallback(Action):
    """Submit of callback_form: queue the request for the next shift."""

    def name(self) -> str:
        return "action_handoff_callback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> list[EventType]:
        reset = [SlotSet("callback_safe", None), SlotSet("callback_method", None),
                 SlotSet("callback_time", None)]
        if "callback_number" in (domain.get("slots") or {}):
            reset.append(SlotSet("callback_number", None))
        if tracker.get_slot("callback_safe") is not True:
            return reset
        method = tracker.get_slot("callback_method")
        if method not in advisor_queue.CALLBACK_METHODS:
            return reset
        try:
            if channel_of(tracker) in TYPED_NUMBER_CHANNELS and \
                    advisor_queue.callback_number(tracker.sender_id) is None:
                return reset  # the web chat's form ends only with a checked number
            advisor_queue.enqueue(tracker.sender_id, channel_of(tracker), conversation_signals(tracker),
                          kind=advisor_queue.CALLBACK, callback_method=method,
                          callback_time=tracker.get_slot("callback_time"))
            stats.count([("callback", "requested")])
        except Exception as error:  # noqa: BLE001
            log.error("Callback request failed (%s).", type(error).__name__)
            dispatcher.utter_message(text=FAILURE)
            return reset
        verb = "call" if method == "call" else "text"
        dispatcher.utter_message(
            text=f"Thank you. An advisor will {verb} you at the time you gave, when they are "
                 f"next on. If it stops being safe, send your safety word. In danger? Call 999.")
        return reset


class ActionHandoffCancel(Action):
    """The person no longer wants to wait."""

    def name(self) -> str:
        return "action_handoff_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> list[EventType]:
        advisor_queue.leave(tracker.sender_id)
        dispatcher.utter_message(
            text=f"OK, you're no longer waiting for an advisor. The National Domestic Abuse "
                 f"Helpline is there 24 hours: {HELPLINE}.")
        return []


KEEP_WRITING = ("You can keep writing here while you wait. If you are in danger now, call 999 "
                "(on a mobile, if you can't speak, press 55 when asked).")
NOT_QUEUED = "You're not waiting for an advisor at the moment. Would you like to talk to a person?"
OFFER_PERSON = [{"title": "Talk to a person", "payload": "/ask_human"}]


class ActionHandoffWait(Action):
    """"How long will I have to wait?": the place and wait estimate, or an offer of a person."""

    def name(self) -> str:
        return "action_handoff_wait"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> list[EventType]:
        try:
            advisor_queue.seen(tracker.sender_id)  # they wrote: still there
            entry = advisor_queue.active_for(tracker.sender_id)
            place = advisor_queue.place(entry) if entry is not None else None
            estimate = advisor_queue.estimate_minutes(place) if place else None
            callback = None if entry is not None else advisor_queue.active_for(
                tracker.sender_id, kind=advisor_queue.CALLBACK)
        except Exception as error:  # noqa: BLE001 - the person still gets a safe answer
            log.error("Looking up the wait failed (%s).", type(error).__name__)
            dispatcher.utter_message(text=FAILURE)
            return []
        if entry is not None and entry.status == advisor_queue.HELD:
            dispatcher.utter_message(text="An advisor is already with you in this chat.")
        elif place:
            dispatcher.utter_message(text=wait_text(place, estimate))
            dispatcher.utter_message(text=KEEP_WRITING)
            try:  # told now: the console's place notice starts from here (its minute too)
                advisor_queue.mark_told_place(entry.id, entry.place_told, place, notify=True)
            except Exception as error:  # noqa: BLE001 - at worst a notice comes early
                log.error("Recording the place told failed (%s).", type(error).__name__)
        elif callback is not None and callback.status == advisor_queue.WAITING:
            verb = "call" if callback.callback_method == "call" else "text"
            dispatcher.utter_message(
                text=f"You're not waiting in the chat queue. Your request for an advisor to "
                     f"{verb} you is with us: they will {verb} you at the time you gave, when "
                     f"they are next on. If you are in danger now, call 999.")
        else:
            dispatcher.utter_message(text=NOT_QUEUED, buttons=OFFER_PERSON)
        return []
