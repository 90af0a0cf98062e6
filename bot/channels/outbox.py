"""Messages waiting for a web chat to fetch them: advisor replies and other proactive messages.

The REST channel answers each request with the bot's replies to it. A message that starts
elsewhere (an advisor's reply, sent through Rasa's HTTP API with ``output_channel=latest``)
has no request to ride on, so ``OutboxOutput`` stores it here, keyed by the pseudonymous
conversation id, and the web chat fetches it with ``GET /webhooks/rest/outbox``.

- A fetch names the last id the page has shown (``after``); rows up to it are deleted then,
  so a reply lost on the way is sent again, and a delivered message does not stay.
- A fetch may wait (long poll, up to ``MAX_WAIT`` s): ``OutboxOutput`` wakes the waiting
  fetches of its conversation in this process at once; a re-check every ``RECHECK`` s covers
  messages stored by another process (several Rasa workers).
- The table is in ``privacy.CONVERSATION_TABLES``: a safety word, quick exit or retention
  erases it with the conversation. Rows nobody fetched are pruned after ``KEEP_SECONDS``.

Typing: ``typing`` records that the person is typing and says whether the advisor is
(helpline.advisor_queue's typing flags, which the console reads and writes), for the REST channel's
``/webhooks/rest/typing``.

All functions but ``wait_fetch`` and ``typing`` block; call them with ``asyncio.to_thread``
from async code.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Optional

from rasa.core.channels.channel import OutputChannel
from sqlalchemy import Column, Float, Integer, String, Text, and_, delete, select
from sqlalchemy.orm import Session

from helpline import advisor_queue, db, privacy
from helpline.console import notices
from helpline.db import Base

logger = logging.getLogger(__name__)

KEEP_SECONDS = 24 * 3600  # a message nobody fetched in a day is dropped
MAX_BATCH = 50
MAX_WAIT = 25.0  # under Sanic's 60 s response timeout and most proxies' idle timeouts
RECHECK = 3.0
# What a web chat can show; anything else a message carries (timestamps ...) is dropped.
# "notice": what an advisor's joining or leaving told the person (helpline/console/notices.py).
FIELDS = ("text", "buttons", "image", "advisor", "notice")
NOTICE_KINDS = notices.SHOWN


class OutboxMessage(Base):
    """One message waiting for the web chat of a conversation."""

    __tablename__ = "rest_outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # ids only grow: "after" stays valid

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    body = Column(Text, nullable=False)  # JSON of the message's FIELDS
    created_at = Column(Float, nullable=False)


privacy.register_table(OutboxMessage.__tablename__, "conversation_id", "created_at")


engine = db.engine  # our database, at the migrations' head


def _clean(message: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(message.get("text"), str):
        out["text"] = message["text"]
    if isinstance(message.get("buttons"), list):
        out["buttons"] = [
            {"title": b["title"], "payload": str(b.get("payload") or b["title"])}
            for b in message["buttons"] if isinstance(b, dict) and isinstance(b.get("title"), str)
        ]
    if isinstance(message.get("image"), str):
        out["image"] = message["image"]
    if message.get("advisor"):
        out["advisor"] = True
    if message.get("notice") in NOTICE_KINDS:
        out["notice"] = message["notice"]
    return out


def put(conversation_id: str, message: dict[str, Any], db_url: Optional[str] = None,
        now: Optional[float] = None) -> Optional[int]:
    """Store a message for the conversation's web chat; returns its id (None if empty)."""
    body = _clean(message)
    if not body.get("text") and not body.get("buttons") and not body.get("image"):
        return None
    now = now if now is not None else time.time()
    with Session(engine(db_url)) as session, session.begin():
        row = OutboxMessage(conversation_id=conversation_id, body=json.dumps(body),
                            created_at=now)
        session.add(row)
        session.flush()
        session.execute(delete(OutboxMessage).where(
            OutboxMessage.created_at < now - KEEP_SECONDS))
        return int(row.id)


def fetch(conversation_id: str, after: int = 0, db_url: Optional[str] = None
          ) -> list[dict[str, Any]]:
    """Delete the conversation's messages up to ``after`` (shown); return the newer ones."""
    with Session(engine(db_url)) as session:
        if after > 0:
            with session.begin():
                session.execute(delete(OutboxMessage).where(and_(
                    OutboxMessage.conversation_id == conversation_id,
                    OutboxMessage.id <= after)))
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.body)
            .where(and_(OutboxMessage.conversation_id == conversation_id,
                        OutboxMessage.id > after))
            .order_by(OutboxMessage.id).limit(MAX_BATCH)
        ).all()
    return [{"id": row_id, **json.loads(body)} for row_id, body in rows]


# Long polls waiting in this process, per conversation id (this process's event loop only).
_waiters: dict[str, set[asyncio.Event]] = {}


def notify(conversation_id: str) -> None:
    """Wake this process's long polls of a conversation (call from the event loop)."""
    for event in _waiters.get(conversation_id, ()):
        event.set()


async def wait_fetch(conversation_id: str, after: int = 0, wait: float = 0.0,
                     db_url: Optional[str] = None) -> list[dict[str, Any]]:
    """``fetch``, but if nothing is there wait up to ``wait`` seconds for a message."""
    deadline = time.monotonic() + min(max(wait, 0.0), MAX_WAIT)
    event = asyncio.Event()
    _waiters.setdefault(conversation_id, set()).add(event)
    try:
        while True:
            event.clear()  # registered before the fetch: a message stored after it wakes us
            messages = await asyncio.to_thread(fetch, conversation_id, after, db_url)
            left = deadline - time.monotonic()
            if messages or left <= 0:
                return messages
            try:
                await asyncio.wait_for(event.wait(), min(left, RECHECK))
            except asyncio.TimeoutError:
                pass
    finally:
        waiting = _waiters.get(conversation_id)
        if waiting is not None:
            waiting.discard(event)
            if not waiting:
                _waiters.pop(conversation_id, None)


class OutboxOutput(OutputChannel):
    """Rasa's output channel for the REST channel: stores messages for the web chat."""

    def __init__(self, db_url: Optional[str] = None) -> None:
        self.db_url = db_url

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await asyncio.to_thread(put, recipient_id, message, self.db_url)
        notify(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


async def typing(conversation_id: str, person_typing: bool = False,
                 db_url: Optional[str] = None) -> bool:
    """Record that the person is typing (if ``person_typing``); True while the advisor is."""
    if person_typing:
        await asyncio.to_thread(advisor_queue.set_typing, conversation_id, advisor_queue.PERSON,
                                db_url=db_url)
    at = await asyncio.to_thread(advisor_queue.typing_at, conversation_id, advisor_queue.ADVISOR,
                                 db_url=db_url)
    return at is not None
