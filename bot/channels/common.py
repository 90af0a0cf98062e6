"""The part every channel shares: safety gate first, then Rasa, replies collected.

REST, SMS and Telegram all call `converse`. Nothing here logs message text or ids.

A message that starts with "/" is text from a person, not Rasa's intent syntax
("/greet@1.0 ..."), unless it is exactly a button payload the bot sends: `/<intent>` with an
intent of the loaded model's domain, optionally followed by a JSON object of domain entities
to short strings (`/find_service{"place": "Cheshire East"}`). Anything else has its leading
slashes removed (`as_person_text`) after the safety-word screen and before Rasa sees it, so
the danger check and NLU read it as words and Rasa never logs it as a malformed command.

`converse` replaces lone surrogates in the text with U+FFFD before the safety screen and Rasa,
for every channel: Rasa hashes and debug-logs text as UTF-8 and fails on them (see
helpline.untrusted, which also parses the channels' JSON bodies).

When the database can't be reached, `converse` raises `Unavailable`: the message was not
taken, and the channel answers with an error status (503) so that the sender retries
(Twilio, Telegram) and tells the person, with UNAVAILABLE_REPLY, what to do meanwhile.
Rasa would otherwise carry on with an empty in-memory conversation and drop the message.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Collection, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.channels import channel_store
from helpline import advisor_queue, danger, db, privacy, safety_words, settings, stats
from helpline.untrusted import clean_text

logger = logging.getLogger(__name__)

FAILURE_REPLY = (
    "Sorry, something went wrong on our side. If you are in danger now, call 999. "
    "On a mobile, if you can't speak, dial 999 and then press 55 when asked."
)
# When Rasa answers nothing and no advisor holds the conversation, an action failed (the
# action server is down or slow): the person still gets the emergency route and the helpline.
NO_REPLY = (
    "Sorry, I can't look up local services or reach an advisor right now. If you are in "
    "danger now, call 999 (on a mobile, if you can't speak, press 55 when asked). The "
    "National Domestic Abuse Helpline is free and open 24 hours: 0808 2000 247."
)
# The database is unreachable: nothing was taken; the sender is asked to retry.
UNAVAILABLE_REPLY = (
    "Sorry, we can't take messages right now because of a technical problem. Please try "
    "again in a few minutes. If you are in danger now, call 999 (on a mobile, if you can't "
    "speak, press 55 when asked). The National Domestic Abuse Helpline is free and open 24 "
    "hours: 0808 2000 247."
)
# An advisor holds the conversation, so the bot is silent; danger still gets 999 at once
# (the advisor sees the message too, marked urgent).
HELD_DANGER_REPLY = (
    "If you are in danger now, call 999. On a mobile, if you can't speak, dial 999 and then "
    "press 55 when asked. Your advisor can see your message."
)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Errors of our database or of the lock store: the message was not taken; a retry may work.
NOT_TAKEN = (SQLAlchemyError, RedisConnectionError)


class Unavailable(Exception):
    """The conversation could not be read or stored: the message was not taken."""


def _raise_unavailable(error: Exception) -> None:
    raise Unavailable(type(error).__name__) from error


def strict(tracker_store: Any) -> None:
    """Make Rasa's fail-safe tracker store raise instead of falling back to memory."""
    if isinstance(tracker_store, FailSafeTrackerStore):
        tracker_store._on_tracker_store_error = _raise_unavailable


def stores(app: Any) -> tuple[Any, Any]:
    """The Rasa agent's tracker store and lock store (None outside a Rasa server)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return getattr(agent, "tracker_store", None), getattr(agent, "lock_store", None)


# The longest entity value a button payload carries (place names are well within it).
MAX_PAYLOAD_VALUE_CHARS = 100
_LEADING_SLASHES = re.compile(r"^[\s/]+")


def _plain(value: str) -> bool:
    """No control characters (Rasa's intent syntax is one line)."""
    return not any(unicodedata.category(ch) == "Cc" for ch in value)


def is_button_payload(text: Any, intents: Collection[str], entities: Collection[str]) -> bool:
    """True when `text` is exactly a payload our buttons send (see the module docstring)."""
    if not isinstance(text, str):
        return False
    value = text.strip()
    if not value.startswith("/") or not _plain(value):
        return False
    intent, brace, rest = value[1:].partition("{")
    if intent not in intents:
        return False
    if not brace:
        return True
    try:
        data, end = json.JSONDecoder().raw_decode("{" + rest)
    except ValueError:
        return False
    return (end == len(rest) + 1 and isinstance(data, dict) and bool(data)
            and all(key in entities and isinstance(item, str)
                    and 0 < len(item) <= MAX_PAYLOAD_VALUE_CHARS and _plain(item)
                    for key, item in data.items()))


def as_person_text(text: str, intents: Collection[str], entities: Collection[str]) -> str:
    """The text Rasa should see: a button payload unchanged; any other message that starts
    with "/" (after leading spaces) without its leading slashes and spaces; else unchanged."""
    if not isinstance(text, str) or not text.lstrip().startswith("/"):
        return text
    if is_button_payload(text, intents, entities):
        return text
    return _LEADING_SLASHES.sub("", text)


def domain_names(app: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The loaded model's intents and entities (empty without a model: no payload passes)."""
    domain = getattr(getattr(getattr(app, "ctx", None), "agent", None), "domain", None)
    if domain is None:
        return frozenset(), frozenset()
    return frozenset(domain.intents or ()), frozenset(domain.entities or ())


class WholeMessages(CollectingOutputChannel):
    """Collects bot messages whole (Rasa's collector splits texts at blank lines)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class AddressedOutput(OutputChannel, ABC):
    """Sends to the address (phone number, chat id) kept for a pseudonymous conversation id:
    how advisor replies reach SMS and Telegram."""

    def __init__(self, channel: Any) -> None:
        self.channel = channel

    @abstractmethod
    async def deliver(self, conversation_id: str, address: str,
                      message: dict[str, Any]) -> None:
        """Send one bot message to the address."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        address = await asyncio.to_thread(channel_store.address, recipient_id)
        if not address:
            logger.warning("No %s address for this conversation (erased?); not sent.",
                           self.name())
            return
        await self.deliver(recipient_id, address, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})


@dataclass
class Outcome:
    """What to send back for one incoming message."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    erased: bool = False  # a safety or exit word ended and erased the conversation


async def converse(app: Any, on_new_message: OnNewMessage, channel: str,
                   conversation_id: str, text: str,
                   metadata: Optional[dict[str, Any]] = None,
                   collector: Optional[CollectingOutputChannel] = None) -> Outcome:
    """Screen a message (safety words) and, unless screened out, pass it to Rasa, read as
    a person's words unless it is one of our button payloads (`as_person_text`).

    `collector` gathers Rasa's replies; by default whole messages (SMS and Telegram).
    Raises `Unavailable` when the database can't be reached (nothing was taken).
    """
    text = clean_text(text)
    tracker_store, lock_store = stores(app)
    strict(tracker_store)
    try:
        screened = await safety_words.screen(
            conversation_id, text, tracker_store=tracker_store, lock_store=lock_store)
    except Exception as error:  # noqa: BLE001 - nothing taken yet: the sender should retry
        logger.error("Safety screen failed on %s (%s).", channel, type(error).__name__)
        raise Unavailable(type(error).__name__) from error
    if screened is not None:
        return Outcome(list(screened.replies), erased=screened.erased)
    await best_effort(advisor_queue.seen, conversation_id)  # a queued person who writes is still there
    text = as_person_text(text, *domain_names(app))

    collector = collector or WholeMessages()
    try:
        await on_new_message(UserMessage(
            text, collector, conversation_id, input_channel=channel,
            metadata=metadata,
        ))
    except (Unavailable, *NOT_TAKEN) as error:
        logger.error("The conversation store is unreachable (%s).", channel)
        raise Unavailable(type(error).__name__) from error
    except Exception as error:  # noqa: BLE001
        logger.error("Handling a %s message failed (%s).", channel, type(error).__name__)
        if not collector.messages:
            return Outcome([{"text": FAILURE_REPLY}])
    if not collector.messages:
        if not await held_by_advisor(tracker_store, conversation_id):
            return Outcome([{"text": NO_REPLY}])
        if danger.in_danger(text):
            return Outcome([{"text": HELD_DANGER_REPLY}])
    return Outcome([dict(message) for message in collector.messages])


TAKEN, IN_HAND, UNAVAILABLE = 200, 409, 503  # take_delivery's answers, as HTTP statuses
# What the webhook says with each status that asks for the delivery again.
RETRY_TEXT = {IN_HAND: "This message is being handled already.",
              UNAVAILABLE: "The message could not be taken now; please retry."}


async def take_delivery(channel: str, delivery_id: str,
                        handle: Callable[[], Awaitable[Any]],
                        tell_unavailable: Callable[[], Awaitable[Any]]) -> int:
    """Handle one webhook delivery (Twilio MessageSid, Telegram update_id) at most once, and
    say which HTTP status to answer.

    TAKEN (200) when the sender may forget the delivery: handled now, or a duplicate of one
    handled. Else it must come again (Twilio and Telegram retry any non-2xx): IN_HAND (409)
    while another attempt is handling the same delivery, a copy arriving concurrently, which
    is no failure of ours (it was a 503, and the 10,000-request fuzz met it once in a CI run);
    UNAVAILABLE (503) when the database can't be reached, after the claim is released and
    `tell_unavailable` has told the person (it must not raise). Other errors are logged (kind
    only) and acknowledged: a retry would fail the same way.
    """
    try:
        claim = await asyncio.to_thread(channel_store.claim_delivery, channel, delivery_id)
        if claim != channel_store.NEW:
            return TAKEN if claim == channel_store.SEEN else IN_HAND
        await handle()
    except (Unavailable, *NOT_TAKEN) as error:
        logger.error("A %s message was not taken (%s); it should come again.",
                     channel, type(error).__name__)
        await best_effort(channel_store.release_delivery, channel, delivery_id)
        await tell_unavailable()
        return UNAVAILABLE
    except Exception as error:  # noqa: BLE001 - log the kind, never the content
        logger.error("Handling a %s message failed (%s).", channel, type(error).__name__)
    await best_effort(channel_store.finish_delivery, channel, delivery_id)
    return TAKEN


def _problems(app: Any) -> list[str]:
    """What keeps this Rasa server from taking messages now (blocking; no content)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or not agent.is_ready():
        return ["the model is not loaded"]
    tracker_store, lock_store = stores(app)
    checks = [("the tracker store", getattr(
        getattr(tracker_store, "_tracker_store", tracker_store), "engine", None))]
    checks.append(("our database", db.engine_for(settings.database_url())))
    problems = []
    for name, engine in checks:
        if engine is None:
            continue
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # noqa: BLE001
            problems.append(f"{name} is unreachable ({type(error).__name__})")
    redis = getattr(lock_store, "red", None)
    if redis is not None:
        try:
            redis.ping()
        except Exception as error:  # noqa: BLE001
            problems.append(f"the lock store is unreachable ({type(error).__name__})")
    return problems


async def readiness(app: Any) -> list[str]:
    """Empty when the server can take messages; else what is wrong."""
    return await asyncio.to_thread(_problems, app)


async def best_effort(function: Callable[..., Any], *args: Any) -> None:
    """Run a blocking database write in a thread; log (no content) instead of raising.

    For bookkeeping after a message was taken: failing it must not make the sender retry.
    """
    try:
        await asyncio.to_thread(function, *args)
    except Exception as error:  # noqa: BLE001
        logger.error("%s failed (%s).", function.__name__, type(error).__name__)


async def held_by_advisor(tracker_store: Any, conversation_id: str) -> bool:
    """True while the conversation is paused for an advisor (the bot stays silent)."""
    if tracker_store is None:
        return False
    try:
        tracker = await tracker_store.retrieve(conversation_id)
    except Unavailable:  # the message was taken already: answer, don't ask for a retry
        return False
    return bool(tracker and tracker.is_paused())


async def erase(app: Any, conversation_id: str) -> None:
    """Erase a conversation everywhere, as a safety word would."""
    tracker_store, lock_store = stores(app)
    await privacy.erase_async(conversation_id, tracker_store, lock_store)
    await best_effort(stats.count, [("safety", "quick_exit")])
