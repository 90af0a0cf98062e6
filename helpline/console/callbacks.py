"""Working callback requests in the console (issue 16, part 7).

A callback request is a queue entry of kind "callback", made by the callback form on SMS and
Telegram (bot/actions/handoff.py) while the line was closed: the person said it is safe to be
contacted, how (call or text) and a safe time in their own words.

- Due time: from the first opening at or after the request (``advisor_queue.callback_due``), shown
  with the person's safe time beside it. The safe time is free text and is not parsed: a
  wrong guess at when it is safe to ring is worse than showing their words.
- The queue page lists callbacks by due time with an Open link to ``/callbacks/{id}``, a page
  of plain forms (no script needed): Take (claim), Show the number, Attempted (no answer:
  one more attempt, back to the list for the next try), Done (closes with an outcome and a
  contact record, as a chat's close does), and Give back.
- The number is shown only to the advisor who has taken the callback, only when they ask
  (``POST /callbacks/{id}/number``; the answer is a no-store page), and each viewing is
  audited as ``view_callback_number`` with who and the entry number, never the number.
- Where the number is: the SMS and Telegram channels keep the raw address of each
  conversation in ``channel_contacts`` (bot/channels/channel_store.py) to reply, erased with
  the conversation. The callback shows that address; nothing is copied. For Telegram it is a
  chat id, so "text" means a reply in the Telegram chat, and the page says so. A web chat
  has no number of its own: the callback form asks for one there (bot/actions/handoff.py,
  checked as a UK mobile or landline with phonenumbers) and keeps it only in
  ``callback_numbers`` (helpline/advisor_queue.py), erased with the conversation.
"""
from __future__ import annotations

import asyncio
from typing import Any, Optional

from aiohttp import web

from bot.channels import channel_store
from helpline import advisor_queue
from helpline.console import records
from helpline.console.handlers import (
    DB,
    ID_PATH,
    audit,
    channel_name,
    form_action,
    holder,
    queue_entry,
    render,
    status_label,
)

VIEWED = "view_callback_number"
ADDRESS_LABELS = {"sms": "Phone number", "twilio": "Phone number",
                  "telegram": "Telegram chat id (text them by replying in the Telegram chat)",
                  "rest": "Phone number (typed in the web chat)"}
NOT_YOURS = "Take this callback first: only the advisor working it can do that."
CHANGED = "This callback changed meanwhile: reload the page."


def number_for(entry: advisor_queue.QueueEntry, db_url: str) -> Optional[str]:
    """The stored address of the callback's conversation, or None (erased, never stored)."""
    if not entry.conversation_id:
        return None
    if entry.channel == "rest":  # typed in the web chat's callback form
        return advisor_queue.callback_number(entry.conversation_id, db_url)
    return channel_store.address(entry.conversation_id, db_url)


def facts(entry: advisor_queue.QueueEntry) -> dict[str, Any]:
    """What the page and the queue list show of a callback (no number)."""
    return {"due_at": entry.callback_due_at, "attempts": entry.callback_attempts or 0,
            "attempted_at": entry.callback_attempted_at,
            "method": "Call" if entry.callback_method == "call" else "Text",
            "safe_time": entry.callback_time or "Any time"}


async def _callback(request: web.Request) -> advisor_queue.QueueEntry:
    entry = await queue_entry(request)
    if entry.kind != advisor_queue.CALLBACK:
        raise web.HTTPNotFound(text=f"Entry {entry.id} is a chat, not a callback request.")
    return entry


def _render(request: web.Request, entry: advisor_queue.QueueEntry, number: Optional[str] = None,
            message: str = "", status: int = 200) -> web.Response:
    session = request["session"]
    mine = entry.status == advisor_queue.HELD and entry.claimed_by == session.username
    return render("callback.html", session, http_status=status, entry=entry,
                  facts=facts(entry), mine=mine, number=number,
                  address_label=ADDRESS_LABELS.get(entry.channel or "", "Number"),
                  channel=channel_name(entry.channel), message=message,
                  status=status_label(entry.status, entry.claimed_by),
                  live=entry.status in advisor_queue.LIVE_STATUSES, outcomes=advisor_queue.OUTCOMES)


async def _taken(request: web.Request) -> advisor_queue.QueueEntry:
    """The callback in the path, taken by this session's advisor (else 404, 410 or 409)."""
    entry = await _callback(request)
    holder(request, entry, NOT_YOURS)
    return entry


async def page(request: web.Request) -> web.Response:
    return _render(request, await _callback(request))


def _back(entry: advisor_queue.QueueEntry) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"/callbacks/{entry.id}")


@form_action
async def take(request: web.Request) -> web.Response:
    entry = await _callback(request)
    me, db_url = request["session"].username, request.app[DB]
    if not await asyncio.to_thread(advisor_queue.claim, entry.id, me, db_url=db_url):
        raise web.HTTPConflict(text="Someone else is working this callback, or it is done.")
    await audit(request, "claim", entry.id)
    raise _back(entry)


@form_action
async def show_number(request: web.Request) -> web.Response:
    """The number, to the advisor working the callback only; the viewing is audited."""
    entry = await _taken(request)
    await audit(request, VIEWED, entry.id)
    number = await asyncio.to_thread(number_for, entry, request.app[DB])
    if number is None:
        return _render(request, entry, message="No number is stored for this request: the "
                       "person's details were erased, so it cannot be returned.")
    return _render(request, entry, number=number)


@form_action
async def attempted(request: web.Request) -> web.Response:
    entry = await _taken(request)
    me, db_url = request["session"].username, request.app[DB]
    if not await asyncio.to_thread(advisor_queue.callback_attempted, entry.id, me, db_url=db_url):
        raise web.HTTPConflict(text=CHANGED)
    await audit(request, "callback_attempted", entry.id)
    raise _back(entry)


@form_action
async def done(request: web.Request) -> web.Response:
    """Done: closed with an outcome and a contact record (records.py), as a chat is."""
    entry = await _taken(request)
    form_data = await request.post()
    try:
        form = records.parse_form({"outcome": form_data.get("outcome"),
                                   "notes": str(form_data.get("notes", ""))})
    except records.FormError as error:
        return _render(request, entry, message=str(error), status=400)
    me, db_url = request["session"].username, request.app[DB]
    if not await asyncio.to_thread(advisor_queue.close, entry.id, me, form.outcome, "", db_url):
        raise web.HTTPConflict(text=CHANGED)
    await asyncio.to_thread(records.record_close, entry, form, me, channel_name(entry.channel),
                            db_url=db_url)
    await audit(request, "callback_done", entry.id)
    raise _back(entry)


@form_action
async def give_back(request: web.Request) -> web.Response:
    entry = await _taken(request)
    me, db_url = request["session"].username, request.app[DB]
    if await asyncio.to_thread(advisor_queue.release, entry.id, me, db_url):
        await audit(request, "release", entry.id)
    raise _back(entry)


def setup(app: web.Application) -> None:
    """Register the callback routes on the console app."""
    entry = "/callbacks" + ID_PATH
    app.add_routes([web.get(entry, page), web.post(entry + "/take", take),
                    web.post(entry + "/number", show_number),
                    web.post(entry + "/attempted", attempted), web.post(entry + "/done", done),
                    web.post(entry + "/release", give_back)])
