"""Transfer and supervision in the console (issue 16, part 4).

- **Transfer** (``POST /api/c/{id}/transfer``, ``{"to": "bob"}``): the advisor holding a
  conversation passes it to a named colleague who is signed on now (``advisor_queue.transfer``: one
  conditional UPDATE that also checks the colleague's open shift, so a colleague who signed
  off a moment ago is refused, not handed a chat nobody reads). The colleague holds it at
  once: the queue snapshot and their conversation page show "With you" at the next poll. The
  bot stays paused. Refused with a sentence: to oneself, to someone not signed on, or when
  the sender no longer holds it.
- **Back to the queue** is the existing "Leave: back to the queue" (``/release``,
  app.py): the entry waits again with its priority and original waiting time (its
  ``created_at`` and ``rank`` are untouched), so it goes back to its old place.
- **Whisper** (``POST /api/c/{id}/whisper``, ``{"text": ...}``, supervisors only): a private
  note to the advisor holding the conversation, kept in ``handoff_whispers`` (advisor_queue.py). It
  never goes to Rasa, so it reaches neither the person nor their transcript. Notes are
  deleted when the entry closes and erased with the conversation (registered with
  helpline/privacy.py).
- **Barge-in** (``POST /api/c/{id}/take-over``, supervisors only): the supervisor becomes
  the holder of a conversation another advisor holds. The advisor's page shows "With <name>",
  its controls turn off, and the notes panel says who took it over.
- The person is told of a transfer or a take-over with the "transferred" notice
  (notices.py), naming the new advisor if they set a first name: best effort, like every
  notice; ``"told": false`` tells the advisor it did not go.
- **Audit**: ``transfer`` (by the sender) and ``transfer_received`` (the colleague),
  ``whisper`` and ``take_over`` (the supervisor), each with the entry number; never a note's
  text.
- **The notes stream** (``GET /events/c/{id}/notes``, server-sent events): the conversation
  page's panel of notes and changes of hands, and the list of colleagues signed on for the
  transfer menu. Notes go to supervisors, the advisor holding the conversation now, and the
  advisor a note names (so the advisor a supervisor took over from sees that, and keeps
  the notes sent to them); other advisors get none.
  It polls the database every ``POLL_SECONDS`` (two small indexed queries), like the
  conversation stream, since several console processes may share the database; it sends
  nothing while nothing changes.
"""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from helpline import advisor_queue
from helpline.console import auth, notices
from helpline.console.handlers import (
    CHANGED,
    DB,
    ID_PATH,
    KEEP_ALIVE,
    RASA,
    audit,
    bad,
    held_entry,
    json_body,
    queue_entry,
    require_supervisor,
    sse,
    sse_event,
)

POLL_SECONDS = 0.5
NAME_MAX = 64


def note_dict(note: advisor_queue.WhisperNote) -> dict[str, Any]:
    """A note as the conversation page shows it (changes of hands in words)."""
    if note.kind == advisor_queue.TOOK_OVER:
        text = f"{note.author} (supervisor) took over this conversation from {note.to_advisor}."
    elif note.kind == advisor_queue.TRANSFERRED:
        text = f"{note.author} passed this conversation to {note.to_advisor}."
    else:
        text = note.text or ""
    return {"id": note.id, "kind": note.kind, "author": note.author, "to": note.to_advisor,
            "text": text, "at": note.at}


async def _tell(request: web.Request, conversation_id: str, who: str) -> bool:
    name = await asyncio.to_thread(auth.first_name, who, request.app[DB])
    return await request.app[RASA].tell(conversation_id, notices.TRANSFERRED, name)


async def transfer(request: web.Request) -> web.Response:
    entry = await held_entry(request)
    me, db_url = request["session"].username, request.app[DB]
    to = (await json_body(request)).get("to")
    if not isinstance(to, str) or not to.strip():
        return bad('"to" must name a colleague who is signed on.')
    to = to.strip()[:NAME_MAX]
    if to == me:
        return bad("You hold this conversation already: choose a colleague.")
    if to not in await asyncio.to_thread(advisor_queue.signed_on, db_url):
        return bad(f"{to} is not signed on: choose a colleague who is.", 409)
    if not await asyncio.to_thread(advisor_queue.transfer, entry.id, me, to, db_url=db_url):
        return bad("This conversation or your colleague's shift changed meanwhile: "
                   "the page shows it as it is now.", 409)
    await asyncio.to_thread(advisor_queue.set_typing, entry.conversation_id, advisor_queue.ADVISOR, False,
                            db_url=db_url)
    await audit(request, "transfer", entry.id)
    await audit(request, "transfer_received", entry.id, actor=to)
    told = await _tell(request, entry.conversation_id, to)
    return web.json_response({"status": advisor_queue.HELD, "claimed_by": to, "told": told})


async def _held_by_someone_else(request: web.Request) -> advisor_queue.QueueEntry:
    """For a supervisor: the entry in the path, held by another advisor (else 403, 404,
    410 or 409)."""
    require_supervisor(request)
    entry = await queue_entry(request)
    if entry.status != advisor_queue.HELD or not entry.claimed_by:
        raise web.HTTPConflict(text="No advisor holds this conversation now.")
    if entry.claimed_by == request["session"].username:
        raise web.HTTPConflict(text="You hold this conversation yourself.")
    return entry


async def whisper(request: web.Request) -> web.Response:
    entry = await _held_by_someone_else(request)
    me, db_url = request["session"].username, request.app[DB]
    try:
        text = advisor_queue.clean_whisper((await json_body(request)).get("text"))
    except ValueError as error:
        return bad(str(error))
    to = await asyncio.to_thread(advisor_queue.whisper, entry.id, me, text, db_url=db_url)
    if to is None:
        return bad("This conversation changed meanwhile: the note was not sent.", 409)
    await audit(request, "whisper", entry.id)
    return web.json_response({"status": "sent", "to": to})


async def take_over(request: web.Request) -> web.Response:
    entry = await _held_by_someone_else(request)
    me, db_url = request["session"].username, request.app[DB]
    taken_from = await asyncio.to_thread(advisor_queue.take_over, entry.id, me, db_url=db_url)
    if taken_from is None:
        return bad(CHANGED, 409)
    await audit(request, "take_over", entry.id)
    told = await _tell(request, entry.conversation_id, me)
    return web.json_response({"status": advisor_queue.HELD, "claimed_by": me,
                              "taken_from": taken_from, "told": told})


async def notes_events(request: web.Request) -> web.StreamResponse:
    entry = await queue_entry(request)
    session, db_url = request["session"], request.app[DB]
    me, supervisor = session.username, session.role == "supervisor"
    response = await sse(request)
    shown: set[int] = set()
    colleagues = None
    idle = 0.0
    while True:
        found = await asyncio.to_thread(advisor_queue.get, entry.id, db_url)
        if found is None or found.status not in advisor_queue.LIVE_STATUSES:
            return response  # closed (notes deleted) or erased: nothing more to show
        sent = False
        every = supervisor or (found.status == advisor_queue.HELD and found.claimed_by == me)
        for note in await asyncio.to_thread(advisor_queue.staff_notes, entry.id, 0, db_url):
            if note.id not in shown and (every or note.to_advisor == me):
                await response.write(sse_event("note", note_dict(note)))
                shown.add(note.id)
                sent = True
        names = [n for n in await asyncio.to_thread(advisor_queue.signed_on, db_url) if n != me]
        if names != colleagues:
            colleagues, sent = names, True
            await response.write(sse_event("colleagues", names))
        idle = 0.0 if sent else idle + POLL_SECONDS
        if idle >= 15:
            await response.write(KEEP_ALIVE)
            idle = 0.0
        await asyncio.sleep(POLL_SECONDS)


def setup(app: web.Application) -> None:
    """Register the transfer, whisper, take-over and notes routes on the console app."""
    app.add_routes([
        web.post("/api/c" + ID_PATH + "/transfer", transfer),
        web.post("/api/c" + ID_PATH + "/whisper", whisper),
        web.post("/api/c" + ID_PATH + "/take-over", take_over),
        web.get("/events/c" + ID_PATH + "/notes", notes_events),
    ])
