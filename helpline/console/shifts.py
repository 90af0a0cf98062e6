"""Shifts in the console: signing on and off, the "closed" banner, and telling the people
still waiting when the line closes, and when their place moves up a lot.

- Advisors (and supervisors) sign on and off with a button on the queue page
  (``POST /api/shift``, ``{"on": true|false}``). The shift is a row in ``advisor_shifts``
  (helpline/advisor_queue.py); each change is audited as ``sign_on`` / ``sign_off`` with no entry
  number and nothing of any conversation.
- The line is open while it is within the hours and someone is signed on
  (``advisor_queue.line_open``). The action server asks the same question at every escalation, so
  the console need not be running for a person to get the out-of-hours route.
- A shift ends by itself when its advisor has no console session left (logged out, or the
  session's 12 hours ran out): a forgotten sign-on must not keep the queue offered with
  nobody reading it. That is checked by the watcher below and audited as ``sign_off``
  (actor ``system:<username>``).
- The queue snapshot carries ``line``: open or not, why not, who is signed on, and the
  requests missed since the line last closed (``handoff_missed``, counted by the action
  server). The page shows a "closed" banner from it.
- When the line closes (the hours end, or the last advisor signs off) the people still
  waiting are told once, through the same Rasa call as the console's other notices
  (helpline/console/notices.py: a bot event with ``{"notice": "finished"}`` sent on the
  person's latest channel), that advisors have finished for now, when they are back, and the
  24-hour helpline and 999. On SMS and Telegram they are also told they can ask for a person
  to leave a callback request (the escalation offers ``callback_form`` while the line is
  closed). ``advisor_queue.mark_told_closing`` is one conditional UPDATE, so with several console
  processes each person is told by one of them, once; an entry that asks again is told
  again at the next closing. Anyone queued after the closing (an escalation racing it) is
  told at the watcher's next pass. Their entries stay in the queue: the next shift sees them, and
  sees them as "left" once they have been silent for ``Settings.abandoned_minutes``.
  The watcher checks every ``WATCH_SECONDS``; signing off checks at once.
- The same watcher tells a person waiting in the chat queue when their place moves up a lot
  (``tell_places``; kind "place", sent like the other notices, so web chat, SMS and
  Telegram all get it). The rule (``place_worth_telling``): they are now next, or their
  place has at least halved since they were last told (12th to 6th, not 12th to 7th). A
  halving waits until ``PLACE_EVERY_SECONDS`` (a minute) after their last place notice;
  becoming next does not, as it matters most (be at the screen) and comes at most once a
  wait (the place told is then 1), so at worst a person gets two notices in a minute, once.
  The words are the bot's own (bot/actions/handoff.py ``wait_text``, imported: one home for
  how a place and a wait are said), between "Your place in the queue has moved up." and the
  999 line: 155 characters at the longest (place 999, no estimate), one SMS segment.
  The place last told is a column on the entry (``place_told``), so a console restart or a
  second console sends nothing again (``advisor_queue.mark_told_place`` is one conditional UPDATE).
  The first pass that sees an entry records its place without a notice: the escalation has
  just told the person that place (asking again, or an advisor's claim, clears it). Not
  told: callbacks (they wait for a call or a text, not in a chat), held entries, and anyone
  told the line closed (places barely move then, and "number 3" would read as if someone
  were coming). Importing bot.actions.handoff costs the console about 4 MB (575 MB of RSS
  against 571).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Optional

from aiohttp import web
from sqlalchemy import select

from bot.actions.handoff import wait_text
from helpline import advisor_queue
from helpline.console import auth, notices
from helpline.console.handlers import DB, RASA, audit, bad, json_body
from helpline.console.rasa_api import RasaAPI, RasaError

log = logging.getLogger(__name__)

FINISHED = notices.FINISHED  # the notice kind (the web chat shows it as a status line)
PLACE = notices.PLACE
WATCH_SECONDS = 2.0
PLACE_EVERY_SECONDS = 60.0
MOVED_UP = "Your place in the queue has moved up."
WATCHER = web.AppKey("shift_watch", asyncio.Task)
CALLBACK_CHANNELS = ("sms", "twilio", "telegram")
GONE_TEXT = ("The person seems to have left: nothing from them for {minutes} minutes. "
             "Claim anyway?")


def finished_text(channel: Optional[str] = None) -> str:
    """What someone still waiting is told when the line closes."""
    when = advisor_queue.next_open()
    back = (f"They are next available {advisor_queue.describe_time(when)} (UK time). "
            if when and not advisor_queue.is_open() else "")
    callback = ("To be contacted when they are back, ask for a person. "
                if channel in CALLBACK_CHANNELS else "")
    return (f"Our advisors have finished for now, so nobody can join this chat yet. {back}"
            f"The National Domestic Abuse Helpline is free, 24 hours: {notices.HELPLINE}. "
            f"{callback}{notices.IN_DANGER}")


def finished_event(channel: Optional[str] = None) -> dict[str, Any]:
    return {"event": "bot", "text": finished_text(channel), "metadata": {"notice": FINISHED}}


# ------------------------------------------------------------------------------ the line

def line(db_url: str, now: Optional[float] = None) -> dict[str, Any]:
    """What the queue page's banner shows; records when the line opened or closed."""
    now = time.time() if now is None else now
    in_hours = advisor_queue.is_open()
    names = advisor_queue.signed_on(db_url)
    is_open = in_hours and bool(names)
    since = advisor_queue.line_state(is_open, now=now, db_url=db_url)
    return {"open": is_open, "in_hours": in_hours, "signed_on": names,
            "missed": 0 if is_open else advisor_queue.missed_since(since, db_url),
            "closed_since": None if is_open else (since or None)}


def end_orphan_shifts(db_url: str, now: Optional[float] = None) -> list[str]:
    """Sign off advisors with no live console session; returns who was signed off."""
    now = time.time() if now is None else now
    names = advisor_queue.signed_on(db_url)
    if not names:
        return []
    with auth.engine(db_url).connect() as connection:
        live = set(connection.execute(select(auth.ConsoleSession.username).where(
            auth.ConsoleSession.username.in_(names),
            auth.ConsoleSession.created_at > now - auth.SESSION_HOURS * 3600)).scalars())
    ended = []
    for name in names:
        if name not in live and advisor_queue.sign_off(name, now=now, db_url=db_url):
            advisor_queue.audit(f"system:{name}", "sign_off", None, db_url)
            ended.append(name)
    return ended


async def tell_waiting(db_url: str, rasa: RasaAPI) -> int:
    """If the line has closed, tell each person still waiting (once); returns how many.

    Only after a closing: a database whose line was never open (``closed_since`` None) has
    had no shift to finish."""
    state = await asyncio.to_thread(line, db_url)
    if state["open"] or not state["closed_since"]:
        return 0
    told = 0
    for entry in await asyncio.to_thread(advisor_queue.waiting_untold, db_url):
        if not await asyncio.to_thread(advisor_queue.mark_told_closing, entry.id, db_url=db_url):
            continue  # another console process has it
        try:
            await rasa.append(entry.conversation_id, [finished_event(entry.channel)],
                              deliver=True)
            told += 1
        except RasaError as error:  # best effort, as for every notice
            log.error("Telling a waiting person the line closed failed (%s).", error)
    return told


# -------------------------------------------------------------------------- place notices

def place_worth_telling(told: int, place: int, told_at: Optional[float], now: float) -> bool:
    """Tell a person now at ``place``, last told ``told`` (their last notice at ``told_at``)?"""
    if place >= told:
        return False
    if place == 1:
        return True
    return 2 * place <= told and (told_at is None or now - told_at >= PLACE_EVERY_SECONDS)


def place_event(place: int, estimate: Optional[tuple[int, int]]) -> dict[str, Any]:
    return {"event": "bot",
            "text": f"{MOVED_UP} {wait_text(place, estimate)} {notices.IN_DANGER}",
            "metadata": {"notice": PLACE}}


async def tell_places(db_url: str, rasa: RasaAPI, now: Optional[float] = None) -> int:
    """Tell each person waiting in the chat queue whose place moved up a lot; returns how
    many were told."""
    now = time.time() if now is None else now
    told = 0
    for entry, place in await asyncio.to_thread(advisor_queue.waiting_places, db_url):
        was = entry.place_told
        if was is None:  # first seen: the escalation has just told them this place
            await asyncio.to_thread(advisor_queue.mark_told_place, entry.id, None, place,
                                    notify=False, now=now, db_url=db_url)
            continue
        if not place_worth_telling(was, place, entry.place_told_at, now):
            continue
        if not await asyncio.to_thread(advisor_queue.mark_told_place, entry.id, was, place,
                                       notify=True, now=now, db_url=db_url):
            continue  # claimed meanwhile, or another console process told them
        estimate = await asyncio.to_thread(advisor_queue.estimate_minutes, place, now=now,
                                           db_url=db_url)
        try:
            await rasa.append(entry.conversation_id, [place_event(place, estimate)],
                              deliver=True)
            told += 1
        except RasaError as error:  # best effort, as for every notice
            log.error("Telling a waiting person their place failed (%s).", error)
    return told


async def watch(db_url: str, rasa: RasaAPI) -> None:
    while True:
        try:
            await asyncio.to_thread(end_orphan_shifts, db_url)
            await tell_waiting(db_url, rasa)
        except Exception as error:  # noqa: BLE001 - keep watching
            log.error("Shift watch failed (%s).", type(error).__name__)
        try:  # on its own: a failing shift check must not stop place notices, nor they it
            await tell_places(db_url, rasa)
        except Exception as error:  # noqa: BLE001 - keep watching
            log.error("Place notices failed (%s).", type(error).__name__)
        await asyncio.sleep(WATCH_SECONDS)


# ---------------------------------------------------------------------------- the routes

async def shift(request: web.Request) -> web.Response:
    """POST /api/shift: sign on or off (``{"on": true|false}``), audited."""
    on = (await json_body(request)).get("on")
    if not isinstance(on, bool):
        return bad('"on" must be true (sign on) or false (sign off).')
    me, db_url = request["session"].username, request.app[DB]
    change = advisor_queue.sign_on if on else advisor_queue.sign_off
    if await asyncio.to_thread(change, me, db_url=db_url):
        await audit(request, "sign_on" if on else "sign_off", None)
    if not on:
        await tell_waiting(db_url, request.app[RASA])
    return web.json_response({"signed_on": on, "line": await asyncio.to_thread(line, db_url)})


async def _start(app: web.Application) -> None:
    app[WATCHER] = asyncio.create_task(watch(app[DB], app[RASA]))


async def _stop(app: web.Application) -> None:
    app[WATCHER].cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app[WATCHER]


def setup(app: web.Application) -> None:
    """Register POST /api/shift and the watcher on the console app."""
    app.add_routes([web.post("/api/shift", shift)])
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
