"""Rasa's SQL tracker store, made cheaper per turn.

Rasa rebuilds the whole conversation from the database on every message. Its stock
`SQLTrackerStore` loads full ORM rows and finds each event's class by walking all `Event`
subclasses, once per event: that was a third of a turn's time. This subclass reads only the
`data` column and looks event classes up in a table built once. Its `save` inserts the new
events in one statement, and knows which events are new without counting the stored ones
again when the tracker was read by this store. On SQLite it keeps pooled
connections, uses the write-ahead log with `synchronous=NORMAL` (no fsync per turn) and
`secure_delete`, so erased rows are overwritten (helpline.privacy checkpoints the log when
it erases). On a database server it tests pooled connections before use.

Events already turned into objects are kept for a while by row id (`EventCache`): each
message reads its conversation's rows again, and parsing them (json.loads, then the Event)
was about 11% of the Rasa server's time under `make bench` (py-spy, 2026-11-30). The rows
are still read every time, so the database alone decides which events exist: an erased
conversation's rows are never returned from the cache (a reused row id must also match the
stored text), and leave memory within
`EventCache.SECONDS` of their last use.

The tracker itself is kept after `save` too (`KeptTrackers`), so the next message of the
conversation is not rebuilt from all its events: rebuilding (the rows, then replaying every
event into a new tracker) was 12% of the Rasa server's main thread under `make bench`
(py-spy, 2026-12-01); paired load runs went from 12.2-13.1 to 10.7-11.7 ms of main-thread
CPU per turn. The database still decides: a kept tracker is handed out only when the
conversation's stored rows are still the ones it was saved with (their number and the hash
of the last one's text, which holds the event's time), and only once: whoever takes it
saves it back, or the next message rebuilds it. Two readers never share one tracker, and a
tracker a reader changed without saving is never handed out. The check is one query (a
window function gives both); `save` knows both without asking. Erased rows fail the check,
and `forget` drops a conversation at once: helpline.privacy calls it, on the event loop's
thread, for every erasure inside the server (safety and exit words, the erase route).

Configure it in endpoints.yml with `type: helpline.tracker_store.TrackerStore` and the same
keys as Rasa's `SQL` type.
"""
from __future__ import annotations

import itertools
import json
import time
from collections import OrderedDict
from typing import Any, Dict, List, NamedTuple, Optional, Text, Tuple

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from sqlalchemy import Table, bindparam, create_engine, func, or_, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import Select

_EVENT_TYPES = {cls.type_name: cls for cls in all_subclasses(Event)}
# Set on a tracker this store read or saved: how many of its events are stored already.
_STORED = "_helpline_stored_events"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def deserialise(data: Dict[Text, Any]) -> Optional[Event]:
    """One stored event back into its Event object (None for unknown types)."""
    event_class = _EVENT_TYPES.get(data.get("event"))
    return event_class._from_parameters(data) if event_class else None


class EventCache:
    """Event objects by row id and the hash of the stored text, each kept SECONDS after its
    last use and at most LIMIT. The text is compared too: a database may give a deleted row's
    id to a new row (SQLite does, after the highest rows are deleted), and an erased person's
    words must never come back as someone else's. Its hash, not the text, is kept: the text
    would double the cache's memory (Python's string hash is keyed per process, so a
    collision can't be made on purpose)."""

    SECONDS = 300.0
    LIMIT = 20_000

    def __init__(self) -> None:
        self._events: "OrderedDict[int, Tuple[float, int, Optional[Event]]]" = OrderedDict()

    def events(self, rows: List[Tuple[int, str]]) -> List[Optional[Event]]:
        now = time.monotonic()
        found = []
        for row_id, data in rows:
            cached = self._events.pop(row_id, None)
            if cached and cached[1] == hash(data):
                event = cached[2]
            else:
                event = deserialise(json.loads(data))
            self._events[row_id] = (now, hash(data), event)  # to the end: the most recently used
            found.append(event)
        while self._events:  # the oldest first
            row_id, (used, _, _) = next(iter(self._events.items()))
            if used > now - self.SECONDS and len(self._events) <= self.LIMIT:
                break
            del self._events[row_id]
        return found


# The rows a kept tracker was saved with: their number and the hash of the last one's text
# (which holds the event's time, so rows written again after an erasure never match).
Mark = Tuple[int, int]


class KeptTrackers:
    """Trackers by conversation as last saved, each with the Mark of its rows, kept SECONDS
    after they were saved and at most LIMIT. `take` removes the tracker it returns."""

    SECONDS = EventCache.SECONDS
    LIMIT = 2_000

    def __init__(self) -> None:
        self._kept: "OrderedDict[str, Tuple[float, Mark, DialogueStateTracker]]" = OrderedDict()

    def put(self, sender_id: str, mark: Mark, tracker: DialogueStateTracker) -> None:
        self._kept.pop(sender_id, None)
        self._kept[sender_id] = (time.monotonic(), mark, tracker)
        now = time.monotonic()
        while self._kept:  # the oldest first
            sender, (saved, _, _) = next(iter(self._kept.items()))
            if saved > now - self.SECONDS and len(self._kept) <= self.LIMIT:
                break
            del self._kept[sender]

    def take(self, sender_id: str, mark: Optional[Mark]) -> Optional[DialogueStateTracker]:
        kept = self._kept.pop(sender_id, None)
        if kept is None or kept[1] != mark or kept[0] <= time.monotonic() - self.SECONDS:
            return None
        return kept[2]

    def forget(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)


class TrackerStore(SQLTrackerStore):
    """SQLTrackerStore with cheaper reads, and SQLite tuned for many small writes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool); keep a
            # small pool instead, each connection set up once.
            url = self.engine.url
            self.engine.dispose()
            self.engine = create_engine(
                url, poolclass=QueuePool, pool_size=2,
                connect_args={"check_same_thread": False},
            )
            sa_event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            # A database server restarts or drops connections: test a pooled connection
            # before use, so the first message after an outage is not refused.
            url = self.engine.url
            self.engine.dispose()
            self.engine = create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
        self._queries = _event_queries(self.SQLEvent.__table__)
        self._cache = EventCache()
        self._kept = KeptTrackers()

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        query = self._queries.every if fetch_events_from_all_sessions else self._queries.latest
        with self.session_scope() as session:
            if not fetch_events_from_all_sessions:
                kept = self._kept.take(sender_id, self._mark(session, sender_id))
                if kept is not None:
                    return kept
            rows = session.execute(query, {"sender_id": sender_id}).all()
        if not self.domain or not rows:
            return None
        events = self._cache.events(rows)
        known = [event for event in events if event is not None]
        tracker = DialogueStateTracker.from_events(sender_id, known, self.domain.slots)
        if not fetch_events_from_all_sessions and len(known) == len(rows):
            setattr(tracker, _STORED, len(rows))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events (Rasa's `save`, in one INSERT)."""
        await self.stream_events(tracker)
        stored = getattr(tracker, _STORED, None)
        with self.session_scope() as session:
            if stored is None:  # as Rasa does: count this session's stored events
                stored = self._event_query(
                    session, tracker.sender_id, fetch_events_from_all_sessions=False
                ).count()
            new_events = list(itertools.islice(tracker.events, stored, None))
            rows = [_row(tracker.sender_id, event) for event in new_events]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        setattr(tracker, _STORED, stored + len(new_events))
        if rows and stored + len(rows) == len(tracker.events):  # all of it, this session only
            self._kept.put(tracker.sender_id, (len(rows) + stored, hash(rows[-1]["data"])),
                           tracker)

    def forget(self, sender_id: Text) -> None:
        """Drop a kept tracker (its conversation is being erased)."""
        self._kept.forget(sender_id)

    def _mark(self, session: Any, sender_id: Text) -> Optional[Mark]:
        """The Mark of the conversation's latest session's rows; None when it has none."""
        last = session.execute(self._queries.mark, {"sender_id": sender_id}).first()
        return (last[1], hash(last[0])) if last else None


class EventQueries(NamedTuple):
    every: Select  # the row id and `data` of all a conversation's events, in order
    latest: Select  # the same for its latest session only
    mark: Select  # the last of the latest session's rows' `data`, and how many they are


def _event_queries(events: Table) -> EventQueries:
    """The queries for one conversation's events (the `sender_id` parameter).

    The same selection as Rasa's `SQLTrackerStore._event_query` (the latest session: events
    from its `session_started` on), built once instead of per message.
    """
    sender = bindparam("sender_id")
    session_start = (
        select(func.max(events.c.timestamp))
        .where(events.c.sender_id == sender,
               events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    every = select(events.c.id, events.c.data).where(events.c.sender_id == sender) \
        .order_by(events.c.id)
    latest = every.where(or_(events.c.timestamp >= session_start, session_start.is_(None)))
    rows = latest.order_by(None).subquery()
    return EventQueries(every, latest, select(rows.c.data, func.count().over())
                        .order_by(rows.c.id.desc()).limit(1))


def _row(sender_id: Text, event: Event) -> Dict[Text, Any]:
    """The columns Rasa's SQL tracker store keeps for one event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
