"""Texts staff write for each other: canned responses and shift handover notes (issue 16,
part 8).

Canned responses (``canned_responses``): short replies supervisors keep on ``/canned`` (add,
edit, delete; each change audited as ``canned_add`` / ``canned_edit`` / ``canned_delete``
with no entry number). Advisors pick one on the conversation page and it goes into the reply
box, to be read and changed before Send: it is never sent by itself. The page fetches them
from ``/api/canned`` and puts the text in with ``value``, never as markup.

Handover notes (``handover_notes``): a note for the next shift, written on the queue page at
sign-off or any time, shown there to everyone for ``HANDOVER_DAYS`` days and then deleted
(on every write and read: no timer needed). They are about the shift (rota, a service that is
down), never a conversation: the form says so, and a note with a phone number in it is
refused (phonenumbers' matcher, UK rules, at "possible" leniency so numbers outside the
allocated ranges count too, and 10 digits or more so dates and room numbers don't), the one
kind of personal detail we can find for sure.
"""
from __future__ import annotations

import asyncio
import time as clock
from typing import Optional

import phonenumbers
from aiohttp import web
from sqlalchemy import Column, Float, Integer, String, Text, delete, select
from sqlalchemy.orm import Session

from helpline import db
from helpline.console.handlers import (
    DB,
    ID_PATH,
    audit,
    form_action,
    render,
    require_supervisor,
)
from helpline.db import Base

TITLE_MAX = 60
TEXT_MAX = 2000  # the console's longest reply (app.MAX_REPLY)
CANNED_MAX = 200
NOTE_MAX = 1000
HANDOVER_DAYS = 14
SHOWN_NOTES = 30
PHONE_DIGITS = 10  # a UK number has 10 or 11 digits; "12/03" is a possible number, not one


class CannedResponse(Base):
    __tablename__ = "canned_responses"

    id = Column(Integer, primary_key=True, autoincrement=True)
    title = Column(String(TITLE_MAX), nullable=False)
    text = Column(Text, nullable=False)
    updated_by = Column(String(64), nullable=False)
    updated_at = Column(Float, nullable=False)


class HandoverNote(Base):
    __tablename__ = "handover_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    author = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(Float, nullable=False, index=True)


engine = db.engine  # our database, at the migrations' head


def _session(db_url: Optional[str]) -> Session:
    return Session(engine(db_url), expire_on_commit=False, future=True)


def _clean(value: object, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Write the {name}.")
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise ValueError(f"The {name} must be at most {limit} characters.")
    return value


# --------------------------------------------------------------------------- canned responses

def responses(db_url: Optional[str] = None) -> list[CannedResponse]:
    with _session(db_url) as session:
        return list(session.execute(select(CannedResponse).order_by(
            CannedResponse.title, CannedResponse.id)).scalars())


def save_response(title: object, text: object, by: str, response_id: Optional[int] = None,
                  db_url: Optional[str] = None) -> bool:
    """Add (``response_id`` None) or edit one; False if there is no such response.
    ValueError (a sentence) for a missing or too long title or text, or too many."""
    title, text = _clean(title, "title", TITLE_MAX), _clean(text, "text", TEXT_MAX)
    with _session(db_url) as session, session.begin():
        if response_id is None:
            count = len(session.execute(select(CannedResponse.id)).all())
            if count >= CANNED_MAX:
                raise ValueError(f"There are {CANNED_MAX} canned responses already: "
                                 "delete one first.")
            session.add(CannedResponse(title=title, text=text, updated_by=by[:64],
                                       updated_at=clock.time()))
            return True
        found = session.get(CannedResponse, response_id)
        if found is None:
            return False
        found.title, found.text, found.updated_by = title, text, by[:64]
        found.updated_at = clock.time()
        return True


def delete_response(response_id: int, db_url: Optional[str] = None) -> bool:
    with engine(db_url).begin() as connection:
        return connection.execute(delete(CannedResponse.__table__).where(
            CannedResponse.id == response_id)).rowcount == 1


# ---------------------------------------------------------------------------- handover notes

def _prune(session: Session, now: float) -> None:
    session.execute(delete(HandoverNote).where(
        HandoverNote.created_at < now - HANDOVER_DAYS * 86400))


def add_note(author: str, text: object, *, now: Optional[float] = None,
             db_url: Optional[str] = None) -> None:
    """ValueError (a sentence) for an empty, too long or phone-number-bearing note."""
    text = _clean(text, "note", NOTE_MAX)
    if any(sum(c.isdigit() for c in match.raw_string) >= PHONE_DIGITS for match in
           phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)):
        raise ValueError("Leave phone numbers out: handover notes are about the shift, never "
                         "about a person or a conversation.")
    now = clock.time() if now is None else now
    with _session(db_url) as session, session.begin():
        _prune(session, now)
        session.add(HandoverNote(author=author[:64], text=text, created_at=now))


def notes(*, now: Optional[float] = None, db_url: Optional[str] = None) -> list[HandoverNote]:
    """Notes of the last HANDOVER_DAYS days, newest first (older ones are deleted)."""
    now = clock.time() if now is None else now
    with _session(db_url) as session, session.begin():
        _prune(session, now)
        return list(session.execute(select(HandoverNote).order_by(
            HandoverNote.created_at.desc(), HandoverNote.id.desc()).limit(SHOWN_NOTES)
        ).scalars())


# ------------------------------------------------------------------------------- the routes

async def _page(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    found = await asyncio.to_thread(responses, request.app[DB])
    return render("canned.html", request["session"], http_status=status, responses=found,
                  message=message, title_max=TITLE_MAX, text_max=TEXT_MAX)


async def canned_page(request: web.Request) -> web.Response:
    require_supervisor(request)
    return await _page(request)


async def canned_json(request: web.Request) -> web.Response:
    found = await asyncio.to_thread(responses, request.app[DB])
    return web.json_response({"responses": [{"id": r.id, "title": r.title, "text": r.text}
                                            for r in found]})


async def canned_save(request: web.Request) -> web.Response:
    require_supervisor(request)
    form = await request.post()
    response_id = int(request.match_info["id"]) if "id" in request.match_info else None
    me = request["session"].username
    try:
        saved = await asyncio.to_thread(save_response, form.get("title"), form.get("text"),
                                        me, response_id, request.app[DB])
    except ValueError as error:
        return await _page(request, str(error), 400)
    if not saved:
        raise web.HTTPNotFound(text="There is no such canned response.")
    await audit(request, "canned_edit" if response_id else "canned_add", None)
    raise web.HTTPSeeOther("/canned")


async def canned_delete(request: web.Request) -> web.Response:
    require_supervisor(request)
    if not await asyncio.to_thread(delete_response, int(request.match_info["id"]),
                                   request.app[DB]):
        raise web.HTTPNotFound(text="There is no such canned response.")
    await audit(request, "canned_delete", None)
    raise web.HTTPSeeOther("/canned")


@form_action
async def handover(request: web.Request) -> web.Response:
    """A handover note from the queue page's form; back to the queue page."""
    form = await request.post()
    try:
        await asyncio.to_thread(add_note, request["session"].username, form.get("text"),
                                db_url=request.app[DB])
    except ValueError as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    raise web.HTTPSeeOther("/#handover")


def setup(app: web.Application) -> None:
    """Register the canned-response and handover routes on the console app."""
    engine(app[DB])
    one = "/canned" + ID_PATH
    app.add_routes([web.get("/canned", canned_page), web.post("/canned", canned_save),
                    web.post(one, canned_save), web.post(one + "/delete", canned_delete),
                    web.get("/api/canned", canned_json), web.post("/handover", handover)])
