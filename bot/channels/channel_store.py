"""What the SMS and Telegram channels keep in our database, and nothing more.

- ``channel_deliveries``: ids of deliveries already handled (Twilio MessageSid, Telegram
  update_id), so a retried delivery is processed once, even after a restart. Only the ids
  and a time, never text or a sender; old ids are pruned.
- ``channel_contacts``: per conversation, the raw address needed to reply (phone number or
  Telegram chat id), the SMS options the person can pick by number, and the rest of a long
  SMS reply waiting for "MORE". Erased with the conversation.
- ``telegram_messages``: ids of the messages in a Telegram chat (the person's and ours), so
  /exit and the safety word can delete them. Erased with the conversation.
- ``channel_replay_keys``: a keyed hash of what authenticated each webhook request (the
  X-Twilio-Signature; a Telegram message's chat and id, or a button press's id), so a
  captured request can't be used twice (`first_use`). Twilio's signature is an HMAC over
  the URL and the concatenated, sorted name+value pairs, so text can move between
  parameters ("MessageSid=<sid>NumMedia0" with NumMedia removed) and the signature still
  holds: remembering the signature refuses every such variant, whatever it changes. Kept,
  like delivery ids, for DELIVERY_KEEP_SECONDS, and not erased with a conversation: it is
  what stops a replay from bringing an erased conversation back. Only hashes: without the
  id secret and the original request nothing links a row to a person.

First contacts write with an upsert (INSERT ... ON CONFLICT, SQLite and PostgreSQL), not
get-then-add: two updates from a new chat at the same moment both found no row, both
inserted, and the loser's IntegrityError made the webhook answer 503 (4 of 30 parallel
first Telegram messages in the issue). tests/channels/test_first_contact.py, 5 rounds of 12
threads calling remember_address for a new conversation at once: 5 to 18 of the 60 calls
raised IntegrityError on SQLite and 16 to 29 on PostgreSQL (four runs) before, none now;
8 parallel first messages from a new number or chat got a 503 before, all 200 now.

All functions block; call them with ``asyncio.to_thread`` from async code.
"""
from __future__ import annotations

import json
import time
from typing import Any, Optional

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    String,
    Text,
    delete,
    false,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpline import db, privacy
from helpline.db import Base

# Delivery ids and replay keys are kept for 400 days: longer than the yearly rotation of the
# Twilio auth token that docs/channels.md asks for, after which an old captured request's
# signature no longer validates. Rows are ids and hashes only (about 150 bytes a message).
DELIVERY_KEEP_SECONDS = 400 * 86400
DELIVERY_LEASE_SECONDS = 60  # an attempt unfinished after this long has died
NEW, SEEN, BUSY = "new", "seen", "busy"  # claim_delivery's answers
TELEGRAM_DELETE_WINDOW = 48 * 3600  # Telegram deletes only messages under 48 hours old


class Delivery(Base):
    """A delivery id being handled or handled (no text, no sender)."""

    __tablename__ = "channel_deliveries"

    channel = Column(String(32), primary_key=True)
    delivery_id = Column(String(64), primary_key=True)
    # or last taken over; indexed for pruning (ids are kept DELIVERY_KEEP_SECONDS)
    received_at = Column(Float, nullable=False, default=time.time, index=True)
    done = Column(Boolean, nullable=False, default=False, server_default=false())


class Contact(Base):
    """How to reach the person of one conversation, and their pending SMS state."""

    __tablename__ = "channel_contacts"

    conversation_id = Column(String(128), primary_key=True)
    channel = Column(String(32), nullable=False)
    address = Column(String(64), nullable=False)
    options = Column(Text, nullable=True)  # JSON list of button payloads, in number order
    more_text = Column(Text, nullable=True)  # the rest of a long SMS reply
    updated_at = Column(Float, nullable=False, default=time.time)


class TelegramMessage(Base):
    """One message id in a Telegram chat, for deleteMessages on exit."""

    __tablename__ = "telegram_messages"

    conversation_id = Column(String(128), primary_key=True)
    message_id = Column(BigInteger, primary_key=True, autoincrement=False)
    sent_at = Column(Float, nullable=False, default=time.time)


class ReplayKey(Base):
    """A keyed hash of what authenticated one webhook request (see `first_use`)."""

    __tablename__ = "channel_replay_keys"

    key = Column(String(64), primary_key=True)
    request = Column(String(64), nullable=False)  # keyed hash of the whole request
    received_at = Column(Float, nullable=False, default=time.time, index=True)


privacy.register_table("channel_contacts", "conversation_id", "updated_at")
privacy.register_table("telegram_messages", "conversation_id", "sent_at")


engine = db.engine  # our database, at the migrations' head


def _insert(bind: Engine, table: Any) -> Any:
    """INSERT with ON CONFLICT support for the database's dialect."""
    return (postgresql if bind.dialect.name == "postgresql" else sqlite).insert(table)


# ---------------------------------------------------------------------------------- deliveries

def claim_delivery(channel: str, delivery_id: str, db_url: Optional[str] = None,
                   now: Optional[float] = None) -> str:
    """Whether to handle a delivery: NEW, SEEN (a duplicate of one handled) or BUSY.

    NEW the first time, and when an earlier attempt neither finished nor was released
    within DELIVERY_LEASE_SECONDS (it died). BUSY while another attempt is handling it.
    Call `finish_delivery` once the message is taken, or `release_delivery` if it was not.
    """
    now = now if now is not None else time.time()
    key = (Delivery.channel == channel, Delivery.delivery_id == str(delivery_id)[:64])
    with Session(engine(db_url)) as session:
        try:
            with session.begin():
                session.add(Delivery(channel=channel, delivery_id=str(delivery_id)[:64],
                                     received_at=now))
        except IntegrityError:
            with session.begin():
                taken_over = session.execute(
                    update(Delivery)
                    .where(*key, Delivery.done.is_(False),
                           Delivery.received_at < now - DELIVERY_LEASE_SECONDS)
                    .values(received_at=now)
                ).rowcount
                done = session.execute(select(Delivery.done).where(*key)).scalar()
            return NEW if taken_over else SEEN if done else BUSY
        with session.begin():
            session.execute(delete(Delivery).where(
                Delivery.received_at < now - DELIVERY_KEEP_SECONDS))
    return NEW


def finish_delivery(channel: str, delivery_id: str, db_url: Optional[str] = None) -> None:
    """The message of this delivery was taken: later copies are duplicates."""
    with Session(engine(db_url)) as session, session.begin():
        session.execute(update(Delivery).where(
            Delivery.channel == channel, Delivery.delivery_id == str(delivery_id)[:64]
        ).values(done=True))


def release_delivery(channel: str, delivery_id: str, db_url: Optional[str] = None) -> None:
    """The message of this delivery was not taken: the sender's retry will be handled."""
    with Session(engine(db_url)) as session, session.begin():
        session.execute(delete(Delivery).where(
            Delivery.channel == channel, Delivery.delivery_id == str(delivery_id)[:64],
            Delivery.done.is_(False)))


def first_use(key: str, request: str, db_url: Optional[str] = None,
              now: Optional[float] = None) -> bool:
    """False when `key` (what authenticated a request) came before with another `request`.

    True the first time, and for an identical request (a sender's retry, which the
    delivery id then dedupes). Keys older than DELIVERY_KEEP_SECONDS are forgotten.
    """
    now = now if now is not None else time.time()
    bind = engine(db_url)
    with Session(bind) as session, session.begin():
        session.execute(delete(ReplayKey).where(
            ReplayKey.received_at < now - DELIVERY_KEEP_SECONDS))
        session.execute(_insert(bind, ReplayKey).values(
            key=key, request=request, received_at=now).on_conflict_do_nothing())
        stored = session.execute(select(ReplayKey.request).where(ReplayKey.key == key))
        return stored.scalar() == request


# ------------------------------------------------------------------------------------ contacts

def remember_address(conversation_id: str, channel: str, address: str,
                     db_url: Optional[str] = None) -> None:
    """Keep the raw address of a conversation (needed to reply later); an upsert."""
    bind = engine(db_url)
    insert = _insert(bind, Contact).values(conversation_id=conversation_id, channel=channel,
                                           address=str(address), updated_at=time.time())
    with Session(bind) as session, session.begin():
        session.execute(insert.on_conflict_do_update(
            index_elements=[Contact.conversation_id],
            set_={"channel": insert.excluded.channel, "address": insert.excluded.address,
                  "updated_at": insert.excluded.updated_at}))


def address(conversation_id: str, db_url: Optional[str] = None) -> Optional[str]:
    """The raw address of a conversation, or None (never seen, or erased)."""
    with Session(engine(db_url)) as session:
        row = session.get(Contact, conversation_id)
        return row.address if row is not None else None


def set_pending(conversation_id: str, options: Optional[list[str]], more_text: Optional[str],
                db_url: Optional[str] = None) -> None:
    """Store the SMS options and the rest of a long reply (None clears them)."""
    with Session(engine(db_url)) as session, session.begin():
        row = session.get(Contact, conversation_id)
        if row is None:
            return
        row.options = json.dumps(options) if options else None
        row.more_text = more_text or None
        row.updated_at = time.time()


def pending(conversation_id: str, db_url: Optional[str] = None) -> tuple[list[str], str]:
    """(options, rest of a long reply) of a conversation; empty when there are none."""
    with Session(engine(db_url)) as session:
        row = session.get(Contact, conversation_id)
        if row is None:
            return [], ""
        options: Any = json.loads(row.options) if row.options else []
        return [str(option) for option in options], row.more_text or ""


# ---------------------------------------------------------------------- Telegram message ids

def remember_messages(conversation_id: str, message_ids: list[int],
                      db_url: Optional[str] = None, now: Optional[float] = None) -> None:
    """Record message ids of a Telegram chat (the person's and ours)."""
    now = now if now is not None else time.time()
    if not message_ids:
        return
    bind = engine(db_url)
    rows = [{"conversation_id": conversation_id, "message_id": int(message_id), "sent_at": now}
            for message_id in message_ids]
    with Session(bind) as session, session.begin():
        session.execute(_insert(bind, TelegramMessage).values(rows).on_conflict_do_nothing())


def deletable_messages(conversation_id: str, db_url: Optional[str] = None,
                       now: Optional[float] = None) -> list[int]:
    """Message ids of a chat that Telegram still lets us delete (under 48 hours old)."""
    cutoff = (now if now is not None else time.time()) - TELEGRAM_DELETE_WINDOW
    with Session(engine(db_url)) as session:
        rows = session.execute(
            select(TelegramMessage.message_id)
            .where(TelegramMessage.conversation_id == conversation_id)
            .where(TelegramMessage.sent_at > cutoff)
            .order_by(TelegramMessage.message_id)
        ).scalars()
        return [int(message_id) for message_id in rows]
