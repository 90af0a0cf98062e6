"""Erasure, retention and pseudonymous ids (safety rule 5).

Erasing a conversation removes its Rasa tracker-store events and every row of ours that
belongs to it, then makes the bytes unrecoverable from the database files:

- SQLite: deletes run with ``PRAGMA secure_delete=ON`` (freed pages are zeroed) and the WAL
  is checkpointed and truncated, so old page images are gone too.
- PostgreSQL: the affected tables are VACUUMed, so dead tuples are pruned.

Our own per-conversation tables are listed in ``CONVERSATION_TABLES``. A feature that adds
one (the advisor queue, the SMS channel's phone-number map ...) either adds a line there or
calls ``register_table()`` / ``register_hook()`` when its module is imported. Tables that do
not exist yet in a database are skipped, so the list may name tables before they are created.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Optional

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Connection, Engine

from helpline import db, settings

logger = logging.getLogger(__name__)

DEV_ID_SECRET = "dev-only-insecure-helpline-id-secret"  # noqa: S105 - local default only
TRACKER_TABLE = ("events", "sender_id", "timestamp")


@dataclass(frozen=True)
class ConversationTable:
    """A table of ours whose rows belong to one conversation each.

    ``timestamp_column`` (optional) lets retention erase rows of conversations that have no
    tracker events left; it may hold a float (Unix time) or a datetime.
    """

    table: str
    column: str = "conversation_id"
    timestamp_column: Optional[str] = None


# Our tables with per-conversation rows. Add yours here or call register_table().
CONVERSATION_TABLES: list[ConversationTable] = [
    ConversationTable("safety_words", "conversation_id", "updated_at"),
    ConversationTable("handoff_queue", "conversation_id", "updated_at"),
    ConversationTable("channel_contacts", "conversation_id", "updated_at"),
    ConversationTable("telegram_messages", "conversation_id", "sent_at"),
    ConversationTable("rest_outbox", "conversation_id", "created_at"),
    ConversationTable("handoff_typing", "conversation_id", "at"),
    ConversationTable("handoff_whispers", "conversation_id", "at"),
    ConversationTable("callback_numbers", "conversation_id", "updated_at"),
]

# Called as hook(connection, conversation_id) inside the erase transaction on our database,
# for erasure that is more than deleting rows (e.g. leaving an "ended by the person" stub).
ERASE_HOOKS: list[Callable[[Connection, str], None]] = []


def register_table(table: str, column: str = "conversation_id",
                   timestamp_column: Optional[str] = None) -> None:
    """Have erase() and retention delete this table's rows of a conversation."""
    entry = ConversationTable(table, column, timestamp_column)
    if entry not in CONVERSATION_TABLES:
        CONVERSATION_TABLES.append(entry)


def register_hook(hook: Callable[[Connection, str], None]) -> None:
    """Run ``hook(connection, conversation_id)`` on every erasure, in our database."""
    if hook not in ERASE_HOOKS:
        ERASE_HOOKS.append(hook)


# ---------------------------------------------------------------------------- pseudonymous ids

@lru_cache(maxsize=1)
def _warn_dev_secret() -> None:
    logger.warning(
        "HELPLINE_ID_SECRET is not set: using the dev-only default. Set a long random "
        "secret in production, or sender ids can be reversed by anyone who reads this code."
    )


def id_secret() -> bytes:
    """The secret for pseudonymous ids and safety-word hashes (env HELPLINE_ID_SECRET)."""
    config = settings.get()
    secret = config.id_secret.get_secret_value()
    if not secret:
        if config.production:
            _warn_dev_secret()
        secret = DEV_ID_SECRET
    return secret.encode("utf-8")


def keyed_hash(purpose: str, *parts: str) -> str:
    """HMAC-SHA256 (hex) of ``parts`` under the id secret, separated by purpose.

    Encoded as UTF-8 with "surrogatepass": a lone surrogate (valid in JSON, not in Unicode)
    hashes instead of raising, and every valid string hashes as before, so pseudonyms and
    safety-word hashes already stored stay the same.
    """
    message = "\x1f".join((purpose, *parts)).encode("utf-8", "surrogatepass")
    return hmac.new(id_secret(), message, hashlib.sha256).hexdigest()


def pseudonymise(channel: str, raw_id: str) -> str:
    """The conversation id Rasa sees for ``raw_id`` (a phone number, chat id ...)."""
    return keyed_hash("sender", channel, str(raw_id))


# ------------------------------------------------------------------------------------ engines

def engine_for(url: Optional[str], default: Callable[[], str]) -> Engine:
    # make_engine turns PRAGMA secure_delete on for every SQLite connection.
    return db.engine_for(url or default())


def _unwrapped(store: Any) -> Any:
    """The tracker store inside Rasa's wrapper stores."""
    seen = 0
    while hasattr(store, "_tracker_store") and seen < 5:
        store = store._tracker_store
        seen += 1
    return store


def tracker_url_from_store(store: Any) -> Optional[str]:
    """The database URL of Rasa's SQL tracker store, unwrapping Rasa's wrapper stores."""
    engine = getattr(_unwrapped(store), "engine", None)
    if engine is None:
        return None
    return engine.url.render_as_string(hide_password=False)


# ------------------------------------------------------------------------------------ erasure

def _existing_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _delete_rows(engine: Engine, table: str, column: str, ids: list[str]) -> int:
    statement = text(f'DELETE FROM "{table}" WHERE "{column}" IN :ids').bindparams(
        bindparam("ids", expanding=True)
    )
    deleted = 0
    with engine.begin() as connection:
        for start in range(0, len(ids), 500):
            result = connection.execute(statement, {"ids": ids[start:start + 500]})
            deleted += max(result.rowcount or 0, 0)
    return deleted


def scrub(engine: Engine, tables: Iterable[str]) -> None:
    """Make deleted rows' bytes unrecoverable: SQLite WAL checkpoint, PostgreSQL VACUUM."""
    if engine.dialect.name == "sqlite":
        # secure_delete already zeroed freed cells; drop the old page images in the WAL.
        # A reader in another process can hold the checkpoint back: retry for a while.
        for attempt in range(50):
            with engine.connect() as connection:
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
            if not busy or not busy[0]:
                break
            time.sleep(0.05 * min(attempt + 1, 5))
        else:
            logger.warning("SQLite WAL checkpoint stayed busy; old pages remain in the WAL "
                           "until the next checkpoint.")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in sorted(set(tables)):
                connection.exec_driver_sql(f'VACUUM (ANALYZE) "{table}"')


def erase_many(conversation_ids: Iterable[str], *, tracker_url: Optional[str] = None,
               db_url: Optional[str] = None) -> dict[str, int]:
    """Erase conversations everywhere we hold them; returns deleted row counts per table.

    Nothing identifying is logged: only the number of conversations and rows.
    """
    ids = sorted({str(i) for i in conversation_ids if i})
    counts: dict[str, int] = {}
    if not ids:
        return counts

    tracker = engine_for(tracker_url, settings.tracker_db_url)
    table, column, _ = TRACKER_TABLE
    if table in _existing_tables(tracker):
        counts[f"tracker.{table}"] = _delete_rows(tracker, table, column, ids)
        scrub(tracker, [table])

    ours = engine_for(db_url, settings.database_url)
    existing = _existing_tables(ours)
    touched: list[str] = []
    hooks = list(ERASE_HOOKS)
    if hooks:
        with ours.begin() as connection:
            for conversation_id in ids:
                for hook in hooks:
                    hook(connection, conversation_id)
    for entry in CONVERSATION_TABLES:
        if entry.table in existing:
            counts[entry.table] = _delete_rows(ours, entry.table, entry.column, ids)
            touched.append(entry.table)
    # If both URLs point at one database, scrubbing it once more is cheap and harmless.
    scrub(ours, touched)

    logger.info("Erased %d conversation(s): %d row(s).", len(ids), sum(counts.values()))
    return counts


def forget_in_memory(conversation_id: str, tracker_store: Any) -> None:
    """Drop what the Rasa server's tracker store holds in memory for the conversation: the
    tracker helpline.tracker_store keeps, or an InMemoryTrackerStore's entry. Call it on the
    event loop's thread, the only one that touches them."""
    store = _unwrapped(tracker_store)
    if hasattr(store, "forget"):
        store.forget(conversation_id)
    elif isinstance(getattr(store, "store", None), dict):
        store.store.pop(conversation_id, None)


async def erase_async(conversation_id: str, tracker_store: Any = None,
                      lock_store: Any = None) -> dict[str, int]:
    """Erase from inside the Rasa server: the store Rasa uses, under its conversation lock."""
    url = tracker_url_from_store(tracker_store) if tracker_store is not None else None

    async def forget_then_erase() -> dict[str, int]:
        forget_in_memory(conversation_id, tracker_store)
        return await asyncio.to_thread(erase, conversation_id, tracker_url=url)

    if lock_store is None:
        return await forget_then_erase()
    async with lock_store.lock(conversation_id):
        return await forget_then_erase()


def erase(conversation_id: str, *, tracker_url: Optional[str] = None,
          db_url: Optional[str] = None) -> dict[str, int]:
    """Erase one conversation: tracker events, our rows, and their bytes on disk."""
    return erase_many([conversation_id], tracker_url=tracker_url, db_url=db_url)


# ---------------------------------------------------------------------------------- retention

def retention_days() -> int:
    """Days to keep a conversation after its latest event (env HELPLINE_RETENTION_DAYS)."""
    return settings.get().retention_days


def _stale_in_tracker(engine: Engine, cutoff: float) -> tuple[set[str], set[str]]:
    """(conversations whose latest event is before cutoff, conversations active since)."""
    table, column, ts = TRACKER_TABLE
    if table not in _existing_tables(engine):
        return set(), set()
    query = text(f'SELECT "{column}", MAX("{ts}") FROM "{table}" GROUP BY "{column}"')
    stale, fresh = set(), set()
    with engine.connect() as connection:
        for sender_id, latest in connection.execute(query):
            (stale if latest is None or latest < cutoff else fresh).add(sender_id)
    return stale, fresh


def _stale_in_ours(engine: Engine, cutoff: float) -> set[str]:
    """Conversations in our tables whose rows' timestamps are all before cutoff."""
    from datetime import datetime, timezone

    existing = _existing_tables(engine)
    latest: dict[str, float] = {}
    with engine.connect() as connection:
        for entry in CONVERSATION_TABLES:
            if entry.table not in existing or not entry.timestamp_column:
                continue
            query = text(f'SELECT "{entry.column}", "{entry.timestamp_column}" '
                         f'FROM "{entry.table}"')
            for conversation_id, stamp in connection.execute(query):
                if isinstance(stamp, datetime):
                    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
                    stamp = aware.timestamp()
                value = float(stamp) if stamp is not None else 0.0
                latest[conversation_id] = max(latest.get(conversation_id, 0.0), value)
    return {cid for cid, value in latest.items() if value < cutoff}


def purge_older_than(days: Optional[int] = None, *, tracker_url: Optional[str] = None,
                     db_url: Optional[str] = None, now: Optional[float] = None) -> int:
    """Erase every conversation with no activity in the last ``days`` days; returns how many."""
    days = retention_days() if days is None else max(int(days), 0)
    cutoff = (now if now is not None else time.time()) - days * 86400
    tracker = engine_for(tracker_url, settings.tracker_db_url)
    stale, fresh = _stale_in_tracker(tracker, cutoff)
    ours = engine_for(db_url, settings.database_url)
    stale |= _stale_in_ours(ours, cutoff) - fresh
    erase_many(stale, tracker_url=tracker_url, db_url=db_url)
    logger.info("Retention (%d days): erased %d conversation(s).", days, len(stale))
    return len(stale)
