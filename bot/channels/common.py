"""The part every messaging channel shares: safety gate first, then Rasa, replies collected.

The REST channel (rest.py) does the same inline; this is the reusable form for SMS and
Telegram. Nothing here logs message text or ids.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic.request import Request

from bot.channels.rest import FAILURE_REPLY
from helpline import privacy, safety_words

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
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
                   metadata: Optional[dict[str, Any]] = None) -> Outcome:
    """Screen a message (safety words) and, unless screened out, pass it to Rasa."""
    tracker_store, lock_store = stores(app)
    try:
        erasing = await asyncio.to_thread(
            safety_words.is_safety_word, conversation_id, text)
        screened = await safety_words.screen(
            channel, conversation_id, text, tracker_store=tracker_store, lock_store=lock_store)
    except Exception as error:  # noqa: BLE001 - answer politely, log no content
        logger.error("Safety screen failed on %s (%s).", channel, type(error).__name__)
        return Outcome([{"text": FAILURE_REPLY}])
    if screened is not None:
        return Outcome(list(screened), erased=erasing)

    collector = WholeMessages()
    try:
        await on_new_message(UserMessage(
            text, collector, conversation_id, input_channel=channel,
            metadata=metadata,
        ))
    except Exception as error:  # noqa: BLE001
        logger.error("Handling a %s message failed (%s).", channel, type(error).__name__)
        if not collector.messages:
            return Outcome([{"text": FAILURE_REPLY}])
    return Outcome([dict(message) for message in collector.messages])


async def erase(app: Any, conversation_id: str) -> None:
    """Erase a conversation everywhere, as a safety word would."""
    tracker_store, lock_store = stores(app)
    await privacy.erase_async(conversation_id, tracker_store, lock_store)
