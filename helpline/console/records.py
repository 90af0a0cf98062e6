"""Contact records: what an advisor writes at close, one per queue entry (issue 16, part 5).

A record holds the entry number, times, the channel's name, the priority, the advisor, how
the contact ended, the outcome (``advisor_queue.OUTCOMES``), the advisor's notes and tags, the DASH
risk checklist answers with their score, the MARAC decision and a safeguarding escalation to
the duty supervisor. It holds no conversation id and nothing the person wrote, so erasing a
conversation (safety word, quick exit, retention) leaves the record as it is and there is
nothing in it to erase: the table is not in ``privacy.CONVERSATION_TABLES`` on purpose.
The notes are the advisor's own words; the form asks them not to copy the person's.

How a contact ends (``ended_how``):
- ``closed``: an advisor (or supervisor) closed it with the form;
- ``ended_by_person``: the entry vanished (safety word, quick exit, left the queue). The
  console notices that in its queue poller and writes the record from what it knew of the
  entry (number, kind, channel, priority, times, advisor), outcome "ended by the person";
- ``person_left``: an advisor closed an entry whose person had gone (abandoned).

One record per entry (a unique entry number): writing one twice, or from two console
processes, keeps the first. Queue entry numbers are never reused (advisor_queue.py).

The DASH questions below are our own plain-English wording of the topics of the SafeLives
DASH risk checklist (2009); they are not its text. Before using this in a real service,
check them against the current SafeLives form and the service's own training. The score is
the number of "yes" answers; 14 or more meets the MARAC referral threshold ("visible high
risk"); an advisor may also refer on professional judgement. Answers are kept as one
character each, in question order: ``y``, ``n`` or ``?`` (not known or not asked).

CSV export: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), and any cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
so a spreadsheet never runs a note or tag as a formula.

Writing a record also counts it, once, in the anonymous demand figures (`helpline.stats`
`count_contact`: wait band, claimed or left, outcome, how a callback ended): a record is
written exactly once per queue entry, so each request is counted once.
"""
from __future__ import annotations

import csv
import io
import re
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Optional

from sqlalchemy import Boolean, Column, Float, Integer, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpline import advisor_queue, db, stats
from helpline.db import Base
from helpline.directory.hours import LONDON

DASH_QUESTIONS: tuple[str, ...] = (
    "Was the person injured in the latest incident?",
    "Are they very frightened of the abuser, or afraid of what the abuser will do next?",
    "Do they feel cut off from family or friends, or kept from seeing them?",
    "Are they feeling very low or depressed, or having thoughts of ending their life?",
    "Have they separated from the abuser, or tried to, in the last year?",
    "Is there a dispute with the abuser about contact with children?",
    "Does the abuser keep contacting, following, watching or harassing them?",
    "Are they pregnant, or have they had a baby in the last 18 months?",
    "Do children or other dependants live in the home (including children who are not "
    "the abuser's)?",
    "Has the abuser ever hurt, or threatened to hurt, the children or other dependants?",
    "Is the abuse happening more often, or getting worse?",
    "Does the abuser try to control everything they do, or act with extreme jealousy?",
    "Has the abuser ever used a weapon or an object to hurt them?",
    "Has the abuser ever threatened to kill them or someone else, and they believed it?",
    "Has the abuser ever strangled, choked, suffocated or tried to drown them?",
    "Does the abuser do or say sexual things that hurt them or make them feel degraded?",
    "Is someone else also threatening them, or is there someone else they are afraid of?",
    "Do they know of the abuser hurting anyone else (family, a past partner, others)?",
    "Has the abuser ever hurt or mistreated an animal or a family pet?",
    "Are there money problems, or does the abuser control the money?",
    "In the last year, has the abuser had problems with drugs, alcohol or mental health?",
    "Has the abuser ever threatened or tried to take their own life?",
    "Has the abuser ever broken bail, an injunction, a court order or a similar agreement?",
    "Has the abuser ever been in trouble with the police, or do they have a criminal "
    "record?",
)
MARAC_THRESHOLD = 14
MARAC_STATEMENT = (f"{MARAC_THRESHOLD} or more \"yes\" answers meets the MARAC referral "
                   "threshold. Below that, refer on professional judgement if you are "
                   "worried.")
ANSWERS = {"yes": "y", "no": "n", "not_known": "?"}
ANSWER_LABELS = {"y": "Yes", "n": "No", "?": "Not known"}

CLOSED, ENDED_BY_PERSON, PERSON_LEFT = "closed", "ended_by_person", "person_left"
ENDED_LABELS = {CLOSED: "Closed by an advisor", ENDED_BY_PERSON: "Ended by the person",
                PERSON_LEFT: "Closed after the person left"}
OUTCOME_LABELS = {**advisor_queue.OUTCOMES, ENDED_BY_PERSON: "Ended by the person"}

NOTES_MAX = 4000
TAGS_MAX = 10
TAG_MAX = 30
TAG_PATTERN = re.compile(r"[^\W_](?:[\w '&/-]*[^\W_])?")  # letters, digits, inner ' - / & _
MAX_SHOWN = 500


class ContactRecord(Base):
    """One contact, kept after the conversation is erased: no conversation id, no text."""

    __tablename__ = "contact_records"

    id = Column(Integer, primary_key=True, autoincrement=True)
    entry_id = Column(Integer, nullable=False, unique=True)
    kind = Column(String(16), nullable=True)
    channel = Column(String(32), nullable=True)
    priority = Column(String(8), nullable=True)
    asked_at = Column(Float, nullable=True)
    claimed_at = Column(Float, nullable=True)
    ended_at = Column(Float, nullable=False, index=True)
    advisor = Column(String(64), nullable=True)
    ended_how = Column(String(16), nullable=False)
    outcome = Column(String(32), nullable=False)
    notes = Column(Text, nullable=False, default="")
    tags = Column(String(400), nullable=False, default="")
    dash = Column(String(24), nullable=False, default="?" * 24)
    dash_score = Column(Integer, nullable=False, default=0)
    marac_judgement = Column(Boolean, nullable=False, default=False)
    marac_referral = Column(Boolean, nullable=False, default=False)
    safeguarding = Column(Boolean, nullable=False, default=False)
    dealt_with_by = Column(String(64), nullable=True)
    dealt_with_at = Column(Float, nullable=True)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def ended_label(self) -> str:
        return ENDED_LABELS.get(self.ended_how, self.ended_how)

    @property
    def yes_questions(self) -> list[str]:
        return [q for q, a in zip(DASH_QUESTIONS, self.dash) if a == "y"]

    @property
    def meets_threshold(self) -> bool:
        return self.dash_score >= MARAC_THRESHOLD


engine = db.engine  # our database, at the migrations' head


def _session(db_url: Optional[str]) -> Session:
    return Session(engine(db_url), expire_on_commit=False, future=True)


# ------------------------------------------------------------------------------ the form

class FormError(ValueError):
    """A sentence the advisor can act on."""


@dataclass(frozen=True)
class Form:
    """What the advisor filled in at close, checked."""

    outcome: str
    notes: str
    tags: tuple[str, ...]
    dash: str
    marac_judgement: bool
    safeguarding: bool

    @property
    def score(self) -> int:
        return score(self.dash)

    @property
    def meets_threshold(self) -> bool:
        return self.score >= MARAC_THRESHOLD

    @property
    def marac_referral(self) -> bool:
        return self.meets_threshold or self.marac_judgement

    def summary(self) -> dict[str, Any]:
        """What the confirmation step shows (and the close answer repeats)."""
        return {"outcome": self.outcome, "outcome_label": advisor_queue.OUTCOMES[self.outcome],
                "tags": list(self.tags), "notes_length": len(self.notes),
                "dash_score": self.score, "dash_out_of": len(DASH_QUESTIONS),
                "dash_answered": sum(1 for a in self.dash if a != "?"),
                "meets_threshold": self.meets_threshold,
                "marac_judgement": self.marac_judgement,
                "marac_referral": self.marac_referral, "safeguarding": self.safeguarding}


def score(dash: str) -> int:
    """The DASH score: the number of "yes" answers."""
    return dash.count("y")


def parse_tags(value: Any) -> tuple[str, ...]:
    """Comma-separated short labels: each 1-30 letters, digits, spaces, ' - / & _; at most
    10; duplicates (ignoring case) dropped, first spelling kept."""
    if value is None or value == "":
        return ()
    if not isinstance(value, str):
        raise FormError("Tags must be text, separated by commas.")
    tags: list[str] = []
    seen: set[str] = set()
    for raw in value.split(","):
        tag = " ".join(raw.split())
        if not tag:
            continue
        if len(tag) > TAG_MAX or not TAG_PATTERN.fullmatch(tag):
            raise FormError(f"Each tag must be 1 to {TAG_MAX} letters, digits or spaces "
                            "(and ' - / &), separated by commas.")
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise FormError(f"Use at most {TAGS_MAX} tags.")
    return tuple(tags)


def parse_dash(value: Any) -> str:
    """A list of 24 answers ("yes", "no", "not_known"), or nothing (none asked)."""
    if value is None:
        return "?" * len(DASH_QUESTIONS)
    if not isinstance(value, list) or len(value) != len(DASH_QUESTIONS) or any(
            a not in ANSWERS for a in value):
        raise FormError(f"The DASH checklist needs {len(DASH_QUESTIONS)} answers, each yes, "
                        "no or not known.")
    return "".join(ANSWERS[a] for a in value)


def parse_form(data: dict[str, Any]) -> Form:
    """The close form from the page's JSON. "note" (one line, as before) is read when
    "notes" is absent, so older callers still close."""
    outcome = data.get("outcome")
    if outcome not in advisor_queue.OUTCOMES:
        raise FormError("Choose an outcome: " + ", ".join(advisor_queue.OUTCOMES.values()) + ".")
    notes = data.get("notes", data.get("note", ""))
    if notes is None:
        notes = ""
    if not isinstance(notes, str):
        raise FormError("The notes must be text.")
    notes = "\n".join(line.rstrip() for line in notes.replace("\r\n", "\n").split("\n"))
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        raise FormError(f"The notes must be at most {NOTES_MAX} characters.")
    flags = {}
    for name in ("marac_judgement", "safeguarding"):
        flag = data.get(name, False)
        if not isinstance(flag, bool):
            raise FormError(f'"{name}" must be true or false.')
        flags[name] = flag
    return Form(outcome=outcome, notes=notes, tags=parse_tags(data.get("tags")),
                dash=parse_dash(data.get("dash")), **flags)


# ---------------------------------------------------------------------------- writing

def _add(record: ContactRecord, db_url: Optional[str], due_at: Optional[float] = None) -> bool:
    """Insert unless the entry has a record already (True if this one was written); a
    written record is counted once in the demand figures (``due_at``: a callback's)."""
    try:
        with _session(db_url) as session, session.begin():
            if session.execute(select(ContactRecord.id).where(
                    ContactRecord.entry_id == record.entry_id)).first() is not None:
                return False
            session.add(record)
    except IntegrityError:  # another console process wrote it meanwhile
        return False
    stats.count_contact(record.kind, record.asked_at, record.claimed_at, record.ended_at,
                        record.outcome, closed_by_advisor=record.ended_how != ENDED_BY_PERSON,
                        by_person=record.ended_how != CLOSED, due_at=due_at, db_url=db_url)
    return True


def record_close(entry: advisor_queue.QueueEntry, form: Form, advisor: str, channel: str,
                 person_left: bool = False, *, now: Optional[float] = None,
                 db_url: Optional[str] = None) -> bool:
    """The record of an entry an advisor closed with the form."""
    return _add(ContactRecord(
        entry_id=entry.id, kind=entry.kind, channel=channel, priority=entry.priority,
        asked_at=entry.created_at, claimed_at=entry.claimed_at,
        ended_at=clock.time() if now is None else now, advisor=advisor[:64],
        ended_how=PERSON_LEFT if person_left else CLOSED, outcome=form.outcome,
        notes=form.notes, tags=",".join(form.tags), dash=form.dash, dash_score=form.score,
        marac_judgement=form.marac_judgement, marac_referral=form.marac_referral,
        safeguarding=form.safeguarding), db_url, entry.callback_due_at)


def record_ended(entry_id: int, ended_at: float, known: Optional[dict[str, Any]] = None,
                 db_url: Optional[str] = None) -> bool:
    """The record of an entry the person ended (it was erased): from what the console knew
    of it (``known``: the queue snapshot's entry, which holds no conversation id or text)."""
    known = known or {}

    def number(name: str) -> Optional[float]:
        value = known.get(name)
        return float(value) if isinstance(value, (int, float)) else None

    def word(name: str, size: int) -> Optional[str]:
        value = known.get(name)
        return value[:size] if isinstance(value, str) else None

    return _add(ContactRecord(
        entry_id=entry_id, kind=word("kind", 16), channel=word("channel", 32),
        priority=word("priority", 8), asked_at=number("created_at"),
        claimed_at=number("claimed_at"), ended_at=ended_at,
        advisor=word("claimed_by", 64), ended_how=ENDED_BY_PERSON, outcome=ENDED_BY_PERSON),
        db_url, number("callback_due_at"))


def note_ended(ended: Iterable[dict[str, Any]], known: dict[int, dict[str, Any]],
               db_url: Optional[str] = None) -> int:
    """Records for entries ended by the person (the console's "ended" list); returns how
    many were new."""
    return sum(record_ended(e["id"], e["ended_at"], known.get(e["id"]), db_url)
               for e in ended)


def mark_dealt_with(record_id: int, supervisor: str, db_url: Optional[str] = None) -> bool:
    """The duty supervisor has dealt with a safeguarding escalation."""
    with engine(db_url).begin() as connection:
        done = connection.execute(
            update(ContactRecord.__table__)
            .where(ContactRecord.id == record_id, ContactRecord.safeguarding.is_(True),
                   ContactRecord.dealt_with_at.is_(None))
            .values(dealt_with_by=supervisor[:64], dealt_with_at=clock.time()))
        return done.rowcount == 1


# ---------------------------------------------------------------------------- reading

def get(record_id: int, db_url: Optional[str] = None) -> Optional[ContactRecord]:
    with _session(db_url) as session:
        return session.get(ContactRecord, record_id)


def for_entry(entry_id: int, db_url: Optional[str] = None) -> Optional[ContactRecord]:
    with _session(db_url) as session:
        return session.execute(select(ContactRecord).where(
            ContactRecord.entry_id == entry_id)).scalar_one_or_none()


def parse_day(value: Optional[str], name: str) -> Optional[date]:
    """A YYYY-MM-DD date from a query string, or None when empty."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FormError(f'"{name}" must be a date like 2026-11-30.') from None


def listing(since: Optional[date] = None, until: Optional[date] = None,
            limit: Optional[int] = MAX_SHOWN, db_url: Optional[str] = None
            ) -> list[ContactRecord]:
    """Records ended between the two days (London time, both included), newest first."""
    query = select(ContactRecord).order_by(ContactRecord.ended_at.desc(),
                                           ContactRecord.id.desc())
    if since is not None:
        query = query.where(ContactRecord.ended_at >= datetime.combine(
            since, time(), LONDON).timestamp())
    if until is not None:
        query = query.where(ContactRecord.ended_at < datetime.combine(
            until + timedelta(days=1), time(), LONDON).timestamp())
    if limit is not None:
        query = query.limit(limit)
    with _session(db_url) as session:
        return list(session.execute(query).scalars())


def escalations(db_url: Optional[str] = None) -> list[ContactRecord]:
    """Safeguarding escalations the duty supervisor has not dealt with yet, oldest first."""
    with _session(db_url) as session:
        return list(session.execute(
            select(ContactRecord).where(ContactRecord.safeguarding.is_(True),
                                        ContactRecord.dealt_with_at.is_(None))
            .order_by(ContactRecord.ended_at, ContactRecord.id)).scalars())


# -------------------------------------------------------------------------------- CSV

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(at: Optional[float]) -> str:
    return datetime.fromtimestamp(at, LONDON).isoformat(timespec="seconds") if at else ""


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


CSV_HEADER = (["record", "entry", "kind", "channel", "priority", "asked for a person at",
               "claimed at", "ended at", "advisor", "how it ended", "outcome", "tags",
               "notes", "DASH score", "MARAC threshold met", "professional judgement",
               "refer to MARAC", "safeguarding escalation", "dealt with by",
               "dealt with at"]
              + [f"DASH {n}" for n in range(1, len(DASH_QUESTIONS) + 1)])


def to_csv(found: Iterable[ContactRecord]) -> bytes:
    """The records as CSV: UTF-8 with a BOM, formula-looking cells made text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in found:
        writer.writerow([cell(v) for v in [
            r.id, r.entry_id, r.kind, r.channel, r.priority, _when(r.asked_at),
            _when(r.claimed_at), _when(r.ended_at), r.advisor, r.ended_label,
            r.outcome_label, ", ".join(r.tag_list), r.notes, r.dash_score,
            _yes(r.meets_threshold), _yes(r.marac_judgement), _yes(r.marac_referral),
            _yes(r.safeguarding), r.dealt_with_by, _when(r.dealt_with_at),
            *[ANSWER_LABELS.get(a, a) for a in r.dash]]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
