"""The advisor queue: escalated conversations and callback requests, most urgent first.

- Order: priority (urgent / high / normal, from helpline.risk), then waiting time.
- A claim is one conditional UPDATE (``... WHERE status IN (waiting, with_bot)``), so two
  advisors can never hold the same conversation, on SQLite or PostgreSQL.
- The wait estimate is honest: it comes from how often advisors actually took conversations
  in the last two hours; with too little data we say we can't estimate.
- Erasure (safety word, quick exit, retention) deletes the entry; the console shows an entry
  that vanished as "ended by the person".
- Opening hours (env HELPLINE_ADVISOR_HOURS) and bank holidays follow the one hours model in
  helpline/directory/hours.py; a bad value stops the process at start-up.

The audit log records who opened which queue entry and when; it holds entry numbers, never
conversation ids or anything the person wrote.

Typing flags (``handoff_typing``): when the person or the advisor last typed in a held
conversation, one row each, so the web chat and the console can show "typing..." to the
other side. A flag counts for ``TYPING_SECONDS``; the pages send one at most every 2 s while
typing. They hold a time and the pseudonymous id, nothing typed, and are erased with the
conversation. A table rather than memory: the web chat reaches the database only through
the Rasa servers (several, behind nginx) and the console is another process.

Shifts (docs/handoff.md, "Shifts and abandoned chats"): advisors sign on and off on the queue
page (``advisor_shifts``, one row per shift). The queue is offered only while the line is
open (``line_open``): within the hours and with at least one advisor signed on, so nobody is
queued to wait for nobody. An escalation refused because the line is closed is counted in
``handoff_missed`` (a time, nothing about the person), and ``handoff_line`` remembers when
the line last closed, so the console can say how many were missed since. People still
waiting when the line closes are told once (``closing_told_at``, set by one conditional
UPDATE, so one console process tells each person; helpline/console/shifts.py).

Place notices (helpline/console/shifts.py, ``tell_places``): ``place_told`` is the place the
person was last told, ``place_told_at`` when the console last told them one unasked. Both are
cleared when they ask again (the escalation tells them their place) and when an advisor
claims the entry (a released entry starts afresh), so a console restart sends nothing again.

Last seen (``last_seen_at``): when the person last wrote or typed, so the console can mark an
entry whose person has gone silent for ``Settings.abandoned_minutes`` as "left".

Transfer and supervision (helpline/console/supervision.py): ``transfer`` passes a held
conversation to a colleague who is signed on, and ``take_over`` gives it to a supervisor
(barge-in); each is one conditional UPDATE, so it fails cleanly if the conversation changed
hands meanwhile or the colleague signed off. ``handoff_whispers`` holds supervisors' private
notes to the advisor (and a staff-only mark of each change of hands). They never go to Rasa,
so never to the person or their transcript; they are deleted when the entry closes and
erased with the conversation.
"""
from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Iterable, Optional

import phonenumbers
from sqlalchemy import (
    Column,
    Float,
    Integer,
    String,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpline import db, privacy, risk, settings
from helpline.db import Base
from helpline.directory import hours
from helpline.directory.hours import LONDON
from helpline.directory.model import Schedule

WAITING, HELD, WITH_BOT, CLOSED, ENDED = "waiting", "held", "with_bot", "closed", "ended"
LIVE_STATUSES = (WAITING, HELD, WITH_BOT)
CHAT, CALLBACK = "chat", "callback"
OUTCOMES = {
    "signposted": "Signposted",
    "referral_made": "Referral made",
    "safeguarding_concern": "Safeguarding concern",
    "no_further_action": "No further action",
}
NOTE_MAX = 500
CALLBACK_METHODS = ("call", "text")


class QueueEntry(Base):
    """One escalation or callback request. ``conversation_id`` is the pseudonymous id."""

    __tablename__ = "handoff_queue"
    __table_args__ = {"sqlite_autoincrement": True}  # an erased entry's number is never reused

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(128), nullable=True, index=True)
    channel = Column(String(32), nullable=True)
    kind = Column(String(16), nullable=False, default=CHAT)
    priority = Column(String(8), nullable=False, default=risk.NORMAL)
    rank = Column(Integer, nullable=False, default=risk.RANK[risk.NORMAL])
    signals = Column(String(255), nullable=False, default="")
    status = Column(String(16), nullable=False, default=WAITING, index=True)
    created_at = Column(Float, nullable=False)
    claimed_by = Column(String(64), nullable=True)
    claimed_at = Column(Float, nullable=True)
    ended_at = Column(Float, nullable=True)
    outcome = Column(String(32), nullable=True)
    note = Column(String(NOTE_MAX), nullable=True)
    callback_method = Column(String(8), nullable=True)
    callback_time = Column(String(100), nullable=True)
    # Callbacks (helpline/console/callbacks.py): due from the next opening after the request,
    # how many times an advisor tried, and when last.
    callback_due_at = Column(Float, nullable=True)
    callback_attempts = Column(Integer, nullable=False, default=0, server_default="0")
    callback_attempted_at = Column(Float, nullable=True)
    updated_at = Column(Float, nullable=False)
    last_seen_at = Column(Float, nullable=True)  # the person last wrote or typed (None: created)
    closing_told_at = Column(Float, nullable=True)  # told the line closed while they waited
    place_told = Column(Integer, nullable=True)  # the place they were last told (None: not yet)
    place_told_at = Column(Float, nullable=True)  # when the console last told them a place

    @property
    def signal_list(self) -> list[str]:
        return [s for s in (self.signals or "").split(",") if s]


class AuditEntry(Base):
    """Who did what to which queue entry, and when."""

    __tablename__ = "handoff_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(Float, nullable=False, index=True)
    actor = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False)
    entry_id = Column(Integer, nullable=True)


class TypingFlag(Base):
    """When ``who`` (person or advisor) last typed in a conversation."""

    __tablename__ = "handoff_typing"

    conversation_id = Column(String(128), primary_key=True)
    who = Column(String(8), primary_key=True)
    at = Column(Float, nullable=False)


class AdvisorShift(Base):
    """One advisor's shift: signed on at ``started_at``, off at ``ended_at`` (None: still on)."""

    __tablename__ = "advisor_shifts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, index=True)
    started_at = Column(Float, nullable=False)
    ended_at = Column(Float, nullable=True, index=True)


class MissedRequest(Base):
    """A request for an advisor while the line was closed (out of hours or nobody on)."""

    __tablename__ = "handoff_missed"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(Float, nullable=False, index=True)


class LineState(Base):
    """One row: whether the console last saw the line open, and since when."""

    __tablename__ = "handoff_line"

    id = Column(Integer, primary_key=True)
    is_open = Column(Integer, nullable=False)
    since = Column(Float, nullable=False)


class WhisperNote(Base):
    """Staff only: a supervisor's private note to the advisor holding a conversation
    (``kind`` WHISPER, ``text``), or a mark that it changed hands (TOOK_OVER, TRANSFERRED;
    no text). ``to_advisor`` is who held it then."""

    __tablename__ = "handoff_whispers"

    id = Column(Integer, primary_key=True, autoincrement=True)
    entry_id = Column(Integer, nullable=False, index=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    author = Column(String(64), nullable=False)
    to_advisor = Column(String(64), nullable=True)
    text = Column(String(500), nullable=True)
    at = Column(Float, nullable=False)


PERSON, ADVISOR = "person", "advisor"
TYPING_SECONDS = 5.0


# ----------------------------------------------------------------------------- engine, erasure

engine = db.engine  # our database, at the migrations' head


def _session(db_url: Optional[str]) -> Session:
    return Session(engine(db_url), expire_on_commit=False, future=True)


# Erasure (safety word, quick exit, retention) deletes the person's rows outright; the
# console shows an entry that vanished as "ended by the person". The table is also listed in
# privacy.CONVERSATION_TABLES, so processes that never import this module erase it too.
privacy.register_table(QueueEntry.__tablename__, "conversation_id", "updated_at")
privacy.register_table(TypingFlag.__tablename__, "conversation_id", "at")


class CallbackNumber(Base):
    """The number a web chat user typed for a callback (SMS and Telegram callbacks use the
    channel's own address in channel_contacts). Erased with the conversation."""

    __tablename__ = "callback_numbers"

    conversation_id = Column(String(128), primary_key=True)
    number = Column(String(20), nullable=False)  # E.164
    updated_at = Column(Float, nullable=False)


privacy.register_table(CallbackNumber.__tablename__, "conversation_id", "updated_at")
privacy.register_table(WhisperNote.__tablename__, "conversation_id", "at")


# ------------------------------------------------------------------------------------- queue

def _active(session: Session, conversation_id: str, kind: str) -> Optional[QueueEntry]:
    return session.execute(
        select(QueueEntry).where(QueueEntry.conversation_id == conversation_id,
                                 QueueEntry.kind == kind,
                                 QueueEntry.status.in_(LIVE_STATUSES))
        .order_by(QueueEntry.id.desc()).limit(1)
    ).scalar_one_or_none()


def enqueue(conversation_id: str, channel: Optional[str], signals: Iterable[str] = (), *,
            kind: str = CHAT, callback_method: Optional[str] = None,
            callback_time: Optional[str] = None, now: Optional[float] = None,
            db_url: Optional[str] = None) -> QueueEntry:
    """Put a conversation in the queue (or update its entry); returns the entry.

    Asking again never loses a place; new signals can only raise the priority. A
    conversation handed back to the bot that asks again waits again from now.
    """
    now = clock.time() if now is None else now
    found = set(signals)
    with _session(db_url) as session, session.begin():
        entry = _active(session, conversation_id, kind)
        if entry is None:
            entry = QueueEntry(conversation_id=conversation_id, channel=channel, kind=kind,
                               status=WAITING, created_at=now, signals="")
            session.add(entry)
        elif entry.status == WITH_BOT:
            entry.status, entry.created_at = WAITING, now
            entry.claimed_by = entry.claimed_at = None
        entry.last_seen_at, entry.closing_told_at = now, None  # asked (again) just now
        entry.place_told = entry.place_told_at = None  # the escalation tells them their place
        merged = set(entry.signal_list) | found
        entry.signals = ",".join(sorted(merged))[:255]
        entry.priority = risk.priority(merged)
        entry.rank = risk.RANK[entry.priority]
        if kind == CALLBACK:
            entry.callback_method = callback_method
            entry.callback_time = (callback_time or "")[:100] or None
            entry.callback_due_at = callback_due(now)
        entry.updated_at = now
    return entry


def get(entry_id: int, db_url: Optional[str] = None) -> Optional[QueueEntry]:
    with _session(db_url) as session:
        return session.get(QueueEntry, entry_id)


def active_for(conversation_id: str, kind: str = CHAT,
               db_url: Optional[str] = None) -> Optional[QueueEntry]:
    """The live entry of a conversation, if any."""
    with _session(db_url) as session:
        return _active(session, conversation_id, kind)


def waiting(kind: str = CHAT, db_url: Optional[str] = None) -> list[QueueEntry]:
    """Waiting entries in queue order."""
    with _session(db_url) as session:
        return list(session.execute(
            select(QueueEntry).where(QueueEntry.status == WAITING, QueueEntry.kind == kind)
            .order_by(QueueEntry.rank, QueueEntry.created_at, QueueEntry.id)
        ).scalars())


def live(db_url: Optional[str] = None) -> list[QueueEntry]:
    """Every live entry (waiting, held, handed back), queue order first."""
    with _session(db_url) as session:
        return list(session.execute(
            select(QueueEntry).where(QueueEntry.status.in_(LIVE_STATUSES))
            .order_by(QueueEntry.rank, QueueEntry.created_at, QueueEntry.id)
        ).scalars())


def place(entry: QueueEntry, db_url: Optional[str] = None) -> Optional[int]:
    """1 for the next to be taken; None when the entry is not waiting."""
    if entry.status != WAITING:
        return None
    with _session(db_url) as session:
        ahead = session.execute(
            select(func.count()).select_from(QueueEntry).where(
                QueueEntry.status == WAITING, QueueEntry.kind == entry.kind,
                or_(QueueEntry.rank < entry.rank,
                    and_(QueueEntry.rank == entry.rank,
                         or_(QueueEntry.created_at < entry.created_at,
                             and_(QueueEntry.created_at == entry.created_at,
                                  QueueEntry.id < entry.id))))
            )
        ).scalar_one()
    return int(ahead) + 1


def estimate_minutes(place_in_queue: int, *, now: Optional[float] = None,
                     db_url: Optional[str] = None) -> Optional[tuple[int, int]]:
    """A (low, high) wait in minutes from the last two hours' claim rate, or None.

    None means too little recent data for an honest figure (fewer than 3 claims).
    """
    now = clock.time() if now is None else now
    with _session(db_url) as session:
        stamps = sorted(session.execute(
            select(QueueEntry.claimed_at).where(QueueEntry.claimed_at >= now - 7200)
        ).scalars())
    if len(stamps) < 3:
        return None
    # Seconds between claims, measured up to now so a stalled queue looks slower.
    interval = max(now - stamps[0], 1.0) / len(stamps)
    expected = place_in_queue * interval / 60
    return max(1, int(expected * 0.5)), max(2, int(expected * 1.5 + 0.999))


def claim(entry_id: int, advisor: str, *, now: Optional[float] = None,
          db_url: Optional[str] = None) -> bool:
    """Take an entry; True only for the one advisor whose UPDATE changed the row."""
    now = clock.time() if now is None else now
    with engine(db_url).begin() as connection:
        result = connection.execute(
            update(QueueEntry.__table__)
            .where(QueueEntry.id == entry_id, QueueEntry.status.in_((WAITING, WITH_BOT)),
                   QueueEntry.conversation_id.isnot(None))
            .values(status=HELD, claimed_by=advisor, claimed_at=now, updated_at=now,
                    place_told=None, place_told_at=None)
        )
        return result.rowcount == 1


def _transition(entry_id: int, advisor: Optional[str], from_status: tuple[str, ...],
                db_url: Optional[str], **values: object) -> bool:
    conditions = [QueueEntry.id == entry_id, QueueEntry.status.in_(from_status)]
    if advisor is not None:
        conditions.append(QueueEntry.claimed_by == advisor)
    with engine(db_url).begin() as connection:
        result = connection.execute(update(QueueEntry.__table__).where(*conditions)
                                    .values(updated_at=clock.time(), **values))
        return result.rowcount == 1


def release(entry_id: int, advisor: str, db_url: Optional[str] = None) -> bool:
    """Undo a claim (e.g. Rasa could not pause the bot): back to waiting."""
    return _transition(entry_id, advisor, (HELD,), db_url, status=WAITING,
                       claimed_by=None, claimed_at=None)


def hand_back(entry_id: int, advisor: str, db_url: Optional[str] = None) -> bool:
    """The bot takes over again; the entry stays live (not closed)."""
    return _transition(entry_id, advisor, (HELD,), db_url, status=WITH_BOT)


def close(entry_id: int, advisor: Optional[str], outcome: str, note: str = "",
          db_url: Optional[str] = None) -> bool:
    """Close with an outcome (a key of OUTCOMES) and a short note. advisor None: anyone."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of: {', '.join(OUTCOMES)}")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValueError(f"the note must be at most {NOTE_MAX} characters")
    done = _transition(entry_id, advisor, (WAITING, HELD, WITH_BOT), db_url, status=CLOSED,
                       outcome=outcome, note=note or None, ended_at=clock.time())
    if done:  # whispers are kept only while the conversation is live
        with engine(db_url).begin() as connection:
            connection.execute(delete(WhisperNote.__table__).where(
                WhisperNote.entry_id == entry_id))
    return done


def callback_due(asked_at: float) -> Optional[float]:
    """A callback is due from the first opening at or after the request (None: no opening
    within 21 days). The person's safe time is free text ("weekday mornings"), shown beside
    it, not parsed: a wrong guess at a safe time is worse than none."""
    when = next_open(datetime.fromtimestamp(asked_at, LONDON))
    return when.timestamp() if when else None


def callback_attempted(entry_id: int, advisor: str, *, now: Optional[float] = None,
                       db_url: Optional[str] = None) -> bool:
    """The holder tried and did not reach the person: one more attempt, back to waiting (its
    place kept) for the next try."""
    now = clock.time() if now is None else now
    with engine(db_url).begin() as connection:
        return connection.execute(update(QueueEntry.__table__).where(
            QueueEntry.id == entry_id, QueueEntry.kind == CALLBACK, QueueEntry.status == HELD,
            QueueEntry.claimed_by == advisor).values(
            status=WAITING, claimed_by=None, claimed_at=None, callback_attempted_at=now,
            callback_attempts=QueueEntry.callback_attempts + 1, updated_at=now)).rowcount == 1


PERSONAL_NUMBER_TYPES = (phonenumbers.PhoneNumberType.MOBILE,
                         phonenumbers.PhoneNumberType.FIXED_LINE,
                         phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def uk_number(text: object) -> Optional[str]:
    """A UK phone number (E.164) from what a person typed, or None: phonenumbers parses it
    with UK rules and it must be a valid UK mobile or landline (not 999, a short code, a
    freephone or premium line, which can't be a person's own phone)."""
    raw = str(text or "").strip()
    if not raw or len(raw) > 30:
        return None
    try:
        parsed = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed) or \
            phonenumbers.region_code_for_number(parsed) != "GB" or \
            phonenumbers.number_type(parsed) not in PERSONAL_NUMBER_TYPES:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def keep_callback_number(conversation_id: str, number: str, *, now: Optional[float] = None,
                         db_url: Optional[str] = None) -> None:
    """Keep a checked number (``uk_number``) for the conversation's callback."""
    now = clock.time() if now is None else now
    with _session(db_url) as session, session.begin():
        found = session.get(CallbackNumber, conversation_id)
        if found is None:
            session.add(CallbackNumber(conversation_id=conversation_id, number=number,
                                       updated_at=now))
        else:
            found.number, found.updated_at = number, now


def callback_number(conversation_id: str, db_url: Optional[str] = None) -> Optional[str]:
    with _session(db_url) as session:
        found = session.get(CallbackNumber, conversation_id)
        return found.number if found is not None else None


def leave(conversation_id: str, db_url: Optional[str] = None) -> None:
    """The person left the queue: their entries are deleted (staff see "ended by the person")."""
    with engine(db_url).begin() as connection:
        connection.execute(delete(QueueEntry.__table__).where(
            QueueEntry.conversation_id == conversation_id))


# ------------------------------------------------------------------- transfer and supervision

WHISPER, TOOK_OVER, TRANSFERRED = "whisper", "take_over", "transfer"
WHISPER_MAX = 500


def _note(connection: Connection, entry: Row, kind: str, author: str,
          to_advisor: Optional[str], now: float, text: Optional[str] = None) -> None:
    """Add a note for ``entry`` (a row with id and conversation_id) in this transaction."""
    connection.execute(insert(WhisperNote.__table__).values(
        entry_id=entry.id, conversation_id=entry.conversation_id, kind=kind,
        author=author[:64], to_advisor=to_advisor, text=text, at=now))


def transfer(entry_id: int, advisor: str, colleague: str, *, now: Optional[float] = None,
             db_url: Optional[str] = None) -> bool:
    """Pass a conversation ``advisor`` holds to ``colleague``, who must be signed on now.

    One conditional UPDATE: False if the advisor no longer holds it or the colleague is not
    (or no longer) signed on. The priority, waiting time and claim time stay as they were.
    """
    if colleague == advisor:
        return False
    now = clock.time() if now is None else now
    on_shift = select(AdvisorShift.id).where(AdvisorShift.username == colleague,
                                             AdvisorShift.ended_at.is_(None)).exists()
    with engine(db_url).begin() as connection:
        moved = connection.execute(update(QueueEntry.__table__).where(
            QueueEntry.id == entry_id, QueueEntry.status == HELD,
            QueueEntry.claimed_by == advisor, QueueEntry.conversation_id.isnot(None), on_shift)
            .values(claimed_by=colleague, updated_at=now)).rowcount == 1
        if moved:
            entry = connection.execute(select(QueueEntry.id, QueueEntry.conversation_id)
                                       .where(QueueEntry.id == entry_id)).one()
            _note(connection, entry, TRANSFERRED, advisor, colleague, now)
        return moved


def take_over(entry_id: int, supervisor: str, *, now: Optional[float] = None,
              db_url: Optional[str] = None) -> Optional[str]:
    """Barge-in: the supervisor holds a conversation another advisor held; returns that
    advisor, or None if it was not held by someone else (or changed hands meanwhile)."""
    now = clock.time() if now is None else now
    with engine(db_url).begin() as connection:
        entry = connection.execute(select(QueueEntry.id, QueueEntry.conversation_id,
                                          QueueEntry.claimed_by, QueueEntry.status)
                                   .where(QueueEntry.id == entry_id)).first()
        if entry is None or entry.status != HELD or entry.claimed_by in (None, supervisor) \
                or entry.conversation_id is None:
            return None
        if connection.execute(update(QueueEntry.__table__).where(
                QueueEntry.id == entry_id, QueueEntry.status == HELD,
                QueueEntry.claimed_by == entry.claimed_by)
                .values(claimed_by=supervisor, updated_at=now)).rowcount != 1:
            return None
        _note(connection, entry, TOOK_OVER, supervisor, entry.claimed_by, now)
        return entry.claimed_by


def clean_whisper(text: object) -> str:
    """The note as sent, stripped; ValueError with a sentence if empty or too long."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError('"text" is empty: write the note.')
    if len(text.strip()) > WHISPER_MAX:
        raise ValueError(f"The note is too long (over {WHISPER_MAX} characters).")
    return text.strip()


def whisper(entry_id: int, supervisor: str, text: str, *, now: Optional[float] = None,
            db_url: Optional[str] = None) -> Optional[str]:
    """A private note to the advisor holding the entry; returns that advisor, or None if
    nobody else holds it now. The text is checked with clean_whisper."""
    text = clean_whisper(text)
    now = clock.time() if now is None else now
    with engine(db_url).begin() as connection:
        entry = connection.execute(select(QueueEntry.id, QueueEntry.conversation_id,
                                          QueueEntry.claimed_by)
                                   .where(QueueEntry.id == entry_id, QueueEntry.status == HELD,
                                          QueueEntry.conversation_id.isnot(None))).first()
        if entry is None or entry.claimed_by in (None, supervisor):
            return None
        _note(connection, entry, WHISPER, supervisor, entry.claimed_by, now, text)
        return entry.claimed_by


def staff_notes(entry_id: int, after: int = 0,
                db_url: Optional[str] = None) -> list[WhisperNote]:
    """The entry's whispers and changes of hands with an id over ``after``, oldest first."""
    with _session(db_url) as session:
        return list(session.execute(select(WhisperNote).where(
            WhisperNote.entry_id == entry_id, WhisperNote.id > after)
            .order_by(WhisperNote.id)).scalars())


# ------------------------------------------------------------------------------------ typing

def set_typing(conversation_id: str, who: str, typing: bool = True, *,
               now: Optional[float] = None, db_url: Optional[str] = None) -> None:
    """Record that ``who`` (PERSON or ADVISOR) is typing now, or clear it (a message sent)."""
    if who not in (PERSON, ADVISOR):
        raise ValueError("who must be person or advisor")
    now = clock.time() if now is None else now
    if who == PERSON and typing:
        seen(conversation_id, now=now, db_url=db_url)
    table = TypingFlag.__table__
    mine = (TypingFlag.conversation_id == conversation_id, TypingFlag.who == who)
    with engine(db_url).begin() as connection:
        if not typing:
            connection.execute(delete(table).where(*mine))
            return
        if connection.execute(update(table).where(*mine).values(at=now)).rowcount:
            return
    try:
        with engine(db_url).begin() as connection:
            connection.execute(insert(table).values(conversation_id=conversation_id, who=who,
                                                    at=now))
    except IntegrityError:  # another process made the row meanwhile: as good as ours
        pass


def typing_at(conversation_id: str, who: str, *, now: Optional[float] = None,
              db_url: Optional[str] = None) -> Optional[float]:
    """When ``who`` last typed, if within TYPING_SECONDS; else None."""
    now = clock.time() if now is None else now
    with _session(db_url) as session:
        flag = session.get(TypingFlag, (conversation_id, who))
    return flag.at if flag is not None and now - flag.at < TYPING_SECONDS else None


# --------------------------------------------------------------------------------- last seen

def seen(conversation_id: str, *, now: Optional[float] = None,
         db_url: Optional[str] = None) -> None:
    """The person wrote or typed now: their live chat entry (if any) has seen them."""
    now = clock.time() if now is None else now
    live = and_(QueueEntry.conversation_id == conversation_id, QueueEntry.kind == CHAT,
                QueueEntry.status.in_(LIVE_STATUSES))
    # Called for every message on every channel: read first, so the common case (no entry)
    # takes no write lock on a database the channels and the action server also write.
    with engine(db_url).connect() as connection:
        if connection.execute(select(QueueEntry.id).where(live).limit(1)).first() is None:
            return
    with engine(db_url).begin() as connection:
        connection.execute(update(QueueEntry.__table__).where(live).values(last_seen_at=now))


def gone(entry: QueueEntry, now: Optional[float] = None) -> bool:
    """True when a live chat's person has been silent for Settings.abandoned_minutes."""
    if entry.kind != CHAT or entry.status not in LIVE_STATUSES:
        return False
    now = clock.time() if now is None else now
    last = entry.last_seen_at or entry.created_at
    return now - last >= settings.get().abandoned_minutes * 60


@dataclass(frozen=True)
class Figures:
    waiting: dict[str, int]
    held: int
    with_bot: int
    callbacks: int
    oldest_waiting_at: Optional[float]  # a time, not a duration: the figures stay the same
    claimed_last_hour: int              # while nothing changes, so the console sends nothing


def figures(now: Optional[float] = None, db_url: Optional[str] = None) -> Figures:
    """Queue figures for supervisors."""
    now = clock.time() if now is None else now
    entries = live(db_url)
    chats = [e for e in entries if e.kind == CHAT]
    waiting_chats = [e for e in chats if e.status == WAITING]
    with _session(db_url) as session:
        claimed = session.execute(select(func.count()).select_from(QueueEntry)
                                  .where(QueueEntry.claimed_at >= now - 3600)).scalar_one()
    return Figures(
        waiting={p: sum(1 for e in waiting_chats if e.priority == p) for p in risk.PRIORITIES},
        held=sum(1 for e in chats if e.status == HELD),
        with_bot=sum(1 for e in chats if e.status == WITH_BOT),
        callbacks=sum(1 for e in entries if e.kind == CALLBACK and e.status == WAITING),
        oldest_waiting_at=min((e.created_at for e in waiting_chats), default=None),
        claimed_last_hour=int(claimed),
    )


# ------------------------------------------------------------------------------------- audit

def audit(actor: str, action: str, entry_id: Optional[int] = None,
          db_url: Optional[str] = None) -> None:
    with _session(db_url) as session, session.begin():
        session.add(AuditEntry(at=clock.time(), actor=actor[:64], action=action[:32],
                               entry_id=entry_id))


def audited(entry_id: int, db_url: Optional[str] = None) -> bool:
    """True if staff ever touched this entry (so a missing entry was erased, not unknown)."""
    with _session(db_url) as session:
        return session.execute(select(AuditEntry.id).where(AuditEntry.entry_id == entry_id)
                               .limit(1)).first() is not None


def erased_since(since: float, db_url: Optional[str] = None) -> list[int]:
    """Entries staff touched since `since` that no longer exist (the person ended them)."""
    with _session(db_url) as session:
        touched = select(AuditEntry.entry_id).where(AuditEntry.at >= since,
                                                    AuditEntry.entry_id.isnot(None)).distinct()
        live = select(QueueEntry.id)
        return sorted(session.execute(touched.where(AuditEntry.entry_id.not_in(live))
                                      ).scalars())


def audit_log(limit: int = 200, db_url: Optional[str] = None) -> list[AuditEntry]:
    with _session(db_url) as session:
        return list(session.execute(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars())


# ------------------------------------------------------------------------------------ shifts

def sign_on(username: str, *, now: Optional[float] = None,
            db_url: Optional[str] = None) -> bool:
    """Start a shift; False if the advisor was signed on already."""
    now = clock.time() if now is None else now
    with _session(db_url) as session, session.begin():
        if session.execute(select(AdvisorShift.id).where(
                AdvisorShift.username == username, AdvisorShift.ended_at.is_(None))).first():
            return False
        session.add(AdvisorShift(username=username[:64], started_at=now))
    return True


def sign_off(username: str, *, now: Optional[float] = None,
             db_url: Optional[str] = None) -> bool:
    """End the advisor's shift; False if they were not signed on."""
    now = clock.time() if now is None else now
    with engine(db_url).begin() as connection:
        return connection.execute(update(AdvisorShift.__table__).where(
            AdvisorShift.username == username, AdvisorShift.ended_at.is_(None))
            .values(ended_at=now)).rowcount > 0


def signed_on(db_url: Optional[str] = None) -> list[str]:
    """Advisors signed on now, in the order they signed on."""
    with _session(db_url) as session:
        return list(dict.fromkeys(session.execute(
            select(AdvisorShift.username).where(AdvisorShift.ended_at.is_(None))
            .order_by(AdvisorShift.started_at)).scalars()))


def line_open(now: Optional[datetime] = None, db_url: Optional[str] = None) -> bool:
    """The queue is offered: within the hours and with at least one advisor signed on."""
    return is_open(now) and bool(signed_on(db_url))


def record_missed(*, now: Optional[float] = None, db_url: Optional[str] = None) -> None:
    """Count a request for an advisor that got the out-of-hours route."""
    with _session(db_url) as session, session.begin():
        session.add(MissedRequest(at=clock.time() if now is None else now))


def line_state(is_open_now: bool, *, now: Optional[float] = None,
               db_url: Optional[str] = None) -> float:
    """Record whether the line is open now; returns since when it has been so."""
    now = clock.time() if now is None else now
    table = LineState.__table__
    with engine(db_url).begin() as connection:
        row = connection.execute(select(table.c.is_open, table.c.since)
                                 .where(table.c.id == 1)).first()
        if row is None:
            try:
                connection.execute(insert(table).values(id=1, is_open=int(is_open_now),
                                                        since=now if is_open_now else 0.0))
            except IntegrityError:  # another console made it meanwhile
                pass
            return now if is_open_now else 0.0
        if bool(row.is_open) == is_open_now:
            return row.since
        connection.execute(update(table).where(table.c.id == 1,
                                               table.c.is_open == row.is_open)
                           .values(is_open=int(is_open_now), since=now))
        return now


def missed_since(since: float, db_url: Optional[str] = None) -> int:
    with _session(db_url) as session:
        return int(session.execute(select(func.count()).select_from(MissedRequest)
                                   .where(MissedRequest.at >= since)).scalar_one())


def waiting_untold(db_url: Optional[str] = None) -> list[QueueEntry]:
    """Chats still waiting that have not been told the line closed."""
    with _session(db_url) as session:
        return list(session.execute(select(QueueEntry).where(
            QueueEntry.status == WAITING, QueueEntry.kind == CHAT,
            QueueEntry.conversation_id.isnot(None), QueueEntry.closing_told_at.is_(None))
            .order_by(QueueEntry.id)).scalars())


def mark_told_closing(entry_id: int, *, now: Optional[float] = None,
                      db_url: Optional[str] = None) -> bool:
    """True only for the one caller whose UPDATE marked the entry (so it is told once)."""
    now = clock.time() if now is None else now
    with engine(db_url).begin() as connection:
        return connection.execute(update(QueueEntry.__table__).where(
            QueueEntry.id == entry_id, QueueEntry.status == WAITING,
            QueueEntry.closing_told_at.is_(None)).values(closing_told_at=now)).rowcount == 1


def waiting_places(db_url: Optional[str] = None) -> list[tuple[QueueEntry, int]]:
    """Chats waiting, not told the line closed, each with its place (as ``place`` counts)."""
    return [(entry, number) for number, entry in enumerate(waiting(CHAT, db_url), start=1)
            if entry.conversation_id is not None and entry.closing_told_at is None]


def mark_told_place(entry_id: int, was: Optional[int], place_now: int, *, notify: bool,
                    now: Optional[float] = None, db_url: Optional[str] = None) -> bool:
    """Record ``place_now`` as the place told, if it is still ``was`` (so with several console
    processes one caller wins); ``notify``: a notice goes now (its time starts the minute)."""
    now = clock.time() if now is None else now
    told = QueueEntry.place_told.is_(None) if was is None else QueueEntry.place_told == was
    values: dict[str, object] = {"place_told": place_now}
    if notify:
        values["place_told_at"] = now
    with engine(db_url).begin() as connection:
        return connection.execute(update(QueueEntry.__table__).where(
            QueueEntry.id == entry_id, QueueEntry.status == WAITING, told)
            .values(**values)).rowcount == 1


# ------------------------------------------------------------------------------ opening hours

def opening_hours() -> tuple[Schedule, ...]:
    """Advisor hours from env HELPLINE_ADVISOR_HOURS (Europe/London; see directory/hours.py)."""
    return _parsed_hours(settings.get().advisor_hours)


@lru_cache(maxsize=4)
def _parsed_hours(spec: str) -> tuple[Schedule, ...]:
    """Parsed once per value: is_open() runs for every answer (the demand counts), and parsing
    took 0.2 ms of it."""
    try:
        return hours.parse_line_hours(spec)
    except ValueError as error:
        raise ValueError(f"HELPLINE_ADVISOR_HOURS: {error}") from None


# A bad value stops every process that uses the queue (console, action server) at start-up
# with the message above, rather than failing each escalation.
opening_hours()


def is_open(now: Optional[datetime] = None) -> bool:
    """Advisors are on: within the hours, and not a bank holiday unless the hours say so."""
    return bool(hours.is_open(opening_hours(), now, bank_holidays=True))


def next_open(now: Optional[datetime] = None) -> Optional[datetime]:
    """When advisors are next available (now if open), within 21 days; London time."""
    return hours.next_open(opening_hours(), now, bank_holidays=True)


def describe_time(when: datetime, now: Optional[datetime] = None) -> str:
    """'today at 9am', 'tomorrow at 9:30am', 'on Tuesday 6 May at 9am'."""
    local = (now or datetime.now(LONDON)).astimezone(LONDON)
    when = when.astimezone(LONDON)
    clock_text = f"{when.hour % 12 or 12}" + (f":{when.minute:02d}" if when.minute else "") + \
        ("am" if when.hour < 12 else "pm")
    if when.date() == local.date():
        return f"today at {clock_text}"
    if when.date() == local.date() + timedelta(days=1):
        return f"tomorrow at {clock_text}"
    return f"on {when:%A} {when.day} {when:%B} at {clock_text}"

