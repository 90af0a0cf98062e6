"""The part every channel shares: safety gate first, then Rasa, replies collected.

REST, SMS and Telegram all call `converse`. Nothing here logs message text or ids.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic.request import Request

from helpline import privacy, safety_words

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
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
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def stores(app: Any) -> tuple[Any, Any]:
    """The Rasa agent's tracker store and lock store (None outside a Rasa server)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return getattr(agent, "tracker_store", None), getattr(agent, "lock_store", None)


def request_stores(request: Request) -> tuple[Any, Any]:
    return stores(request.app)


class WholeMessages(CollectingOutputChannel):
    """Collects bot messages whole (Rasa's collector splits texts at blank lines)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


@dataclass
class Outcome:
    """What to send back for one incoming message."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    erased: bool = False  # a safety or exit word ended and erased the conversation


async def converse(app: Any, on_new_message: OnNewMessage, channel: str,
                   conversation_id: str, text: str,
                   metadata: Optional[dict[str, Any]] = None,
                   collector: Optional[CollectingOutputChannel] = None) -> Outcome:
    """Screen a message (safety words) and, unless screened out, pass it to Rasa.

    `collector` gathers Rasa's replies; by default whole messages (SMS and Telegram).
    """
    tracker_store, lock_store = stores(app)
    try:
        screened = await safety_words.screen(
            channel, conversation_id, text, tracker_store=tracker_store, lock_store=lock_store)
    except Exception as error:  # noqa: BLE001 - answer politely, log no content
        logger.error("Safety screen failed on %s (%s).", channel, type(error).__name__)
        return Outcome([{"text": FAILURE_REPLY}])
    if screened is not None:
        return Outcome(list(screened.replies), erased=screened.erased)

    collector = collector or WholeMessages()
    try:
        await on_new_message(UserMessage(
            text, collector, conversation_id, input_channel=channel,
            metadata=metadata,
        ))
    except Exception as error:  # noqa: BLE001
        logger.error("Handling a %s message failed (%s).", channel, type(error).__name__)
        if not collector.messages:
            return Outcome([{"text": FAILURE_REPLY}])
    if not collector.messages and not await held_by_advisor(tracker_store, conversation_id):
        return Outcome([{"text": NO_REPLY}])
    return Outcome([dict(message) for message in collector.messages])


async def held_by_advisor(tracker_store: Any, conversation_id: str) -> bool:
    """True while the conversation is paused for an advisor (the bot stays silent)."""
    if tracker_store is None:
        return False
    tracker = await tracker_store.retrieve(conversation_id)
    return bool(tracker and tracker.is_paused())


async def erase(app: Any, conversation_id: str) -> None:
    """Erase a conversation everywhere, as a safety word would."""
    tracker_store, lock_store = stores(app)
    await privacy.erase_async(conversation_id, tracker_store, lock_store)
