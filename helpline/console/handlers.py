"""What the console's route handlers share, in one place: the app keys, the JSON body parser,
the page renderer and its labels, the error answers, the entry look-up and the holder check,
server-sent events, the audit call, and the decorator for plain forms.

Before, callbacks.py, canned.py, shifts.py and supervision.py imported private helpers of
app.py inside their functions (app.py imports them, so an import at the top was a cycle),
supervision.py and app.py each kept a JSON-error helper, canned.py its own supervisor check,
and callbacks.py and canned.py each an app key of their own for the same database URL. This
module imports no console module but auth and rasa_api (for types), so app.py and every
feature module import it at the top. It holds only what more than one module uses, or what
those shared pieces need; the routes themselves stay with their feature.

Errors: ``bad`` is the JSON answer ({"error": ...}) the page's scripts read; ``problem`` is
that on /api and /events and a page elsewhere (app.py's error middleware answers every
HTTPException through it); ``form_action`` makes a plain form's refusal a page. Every
answer gets the security headers: app.headers is the outermost middleware, so it also sees
the error middleware's answers to raised errors.
"""
from __future__ import annotations

import asyncio
import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

import jinja2
from aiohttp import web

from helpline import advisor_queue, risk
from helpline.console import auth
from helpline.console.rasa_api import RasaAPI
from helpline.directory.hours import LONDON
from helpline.untrusted import PAGE_BODY_BYTES, BadInput, parse_json_object

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
DB = web.AppKey("db_url", str)
RASA = web.AppKey("rasa", RasaAPI)
STATE = web.AppKey("state", dict)  # the queue poller's (app.py): "ended" is read here

TEMPLATES = Path(__file__).resolve().parent / "templates"
ID_PATH = r"/{id:\d{1,12}}"  # an entry's (or a record's) number in a route
KEEP_ALIVE = b": keep-alive\n\n"  # an SSE comment every 15 s of silence keeps proxies open


# ------------------------------------------------------------------------------ pages

def _local_time(at: Optional[float], form: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A time in England (the helpline's hours are London time; console.js shows new lines
    the same way, whatever the browser's or server's zone)."""
    if not isinstance(at, (int, float)):
        return ""
    return datetime.fromtimestamp(at, LONDON).strftime(form)


def _iso(at: Optional[float]) -> str:
    return datetime.fromtimestamp(at, LONDON).isoformat() if isinstance(at, (int, float)) else ""


PAGES = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                           undefined=jinja2.StrictUndefined, trim_blocks=True,
                           lstrip_blocks=True)
PAGES.filters["local_time"] = _local_time
PAGES.filters["iso"] = _iso
PAGES.filters["signal_label"] = risk.label

CHANNEL_NAMES = {"rest": "Web chat", "sms": "SMS", "twilio": "SMS", "telegram": "Telegram"}
STATUS_LABELS = {advisor_queue.WAITING: "Waiting", advisor_queue.HELD: "With an advisor",
                 advisor_queue.WITH_BOT: "Back with the assistant", advisor_queue.CLOSED: "Closed",
                 advisor_queue.ENDED: "Ended by the person"}
WHO_LABELS = {"person": "Person", "bot": "Assistant", "advisor": "Advisor",
              "notice": "Told the person", "system": "Note"}
PAGES.globals["who_labels"] = WHO_LABELS


def channel_name(channel: Optional[str]) -> str:
    return CHANNEL_NAMES.get(channel or "", (channel or "Unknown").capitalize())


def status_label(status: str, claimed_by: Optional[str]) -> str:
    if status == advisor_queue.HELD and claimed_by:
        return f"With {claimed_by}"
    return STATUS_LABELS.get(status, status)


def render(template: str, session: Optional[auth.SessionInfo] = None, http_status: int = 200,
           **context: Any) -> web.Response:
    """A page from templates/ (each extends base.html); every value is escaped."""
    html = PAGES.get_template(template).render(session=session, **context)
    return web.Response(text=html, content_type="text/html", status=http_status)


# ----------------------------------------------------------------------------- errors

PROBLEM_TITLES = {400: "That didn't work", 403: "Not allowed", 404: "Not found",
                  409: "That has changed", 410: "Conversation ended"}
NOT_HOLDING = "You are not holding this conversation: claim it first."
CHANGED = "This conversation changed meanwhile: the page shows it as it is now."


def bad(message: str, status: int = 400) -> web.Response:
    """The JSON error the console's scripts read."""
    return web.json_response({"error": message}, status=status)


def wants_html(request: web.Request) -> bool:
    return request.method == "GET" and not request.path.startswith(("/api/", "/events/"))


def problem_page(request: web.Request, status: int, message: str,
                 untitled: str = "Something went wrong") -> web.Response:
    """problem.html with a title for the status (``untitled`` for one without)."""
    return render("problem.html", request.get("session"), http_status=status,
                  title=PROBLEM_TITLES.get(status, untitled), message=message)


def problem(request: web.Request, status: int, message: str) -> web.Response:
    """An error as JSON for the page's scripts, or as a page for a browser."""
    if wants_html(request):
        return problem_page(request, status, message)
    return bad(message, status)


def form_action(handler: Handler) -> Handler:
    """A plain form's POST: a refusal (4xx) is a page with the reason and a way back, not
    the JSON the console's scripts get."""
    @functools.wraps(handler)
    async def run(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPClientError as error:
            return problem_page(request, error.status, error.text or "That didn't work.",
                                "That didn't work")
    return run


# --------------------------------------------------------------------------- requests

async def json_body(request: web.Request) -> dict[str, Any]:
    """The JSON object an advisor's page sent, or 400 (untrusted.parse_json_object: UTF-8,
    an object, depth): a deeply nested body was a RecursionError and a 500 before. Bodies
    over PAGE_BODY_BYTES got aiohttp's 413 already."""
    try:
        return parse_json_object(await request.read(), PAGE_BODY_BYTES)
    except BadInput as error:
        raise web.HTTPBadRequest(text=error.message) from None


def require_supervisor(request: web.Request) -> None:
    if request["session"].role != "supervisor":
        raise web.HTTPForbidden(text="Supervisors only.")


ENDED_TEXT = "Ended by the person."
ENDED_PAGE = ("The person ended this conversation (with their safety word, quick exit or by "
              "leaving the queue), so it was erased. Nothing more can be done in it.")


async def queue_entry(request: web.Request) -> advisor_queue.QueueEntry:
    """The entry in the path, or 410 "ended by the person" (erased), or 404 (never existed)."""
    entry_id = int(request.match_info["id"])
    entry = await asyncio.to_thread(advisor_queue.get, entry_id, request.app[DB])
    if entry is None:
        ended = {e["id"] for e in request.app[STATE].get("ended", [])}
        if entry_id in ended or await asyncio.to_thread(advisor_queue.audited, entry_id,
                                                        request.app[DB]):
            raise web.HTTPGone(text=ENDED_PAGE if wants_html(request) else ENDED_TEXT)
        raise web.HTTPNotFound(text=f"There is no queue entry {entry_id}.")
    return entry


def holder(request: web.Request, entry: advisor_queue.QueueEntry, refusal: str = NOT_HOLDING
           ) -> None:
    """409 with ``refusal`` unless this session's advisor holds the entry."""
    if entry.status != advisor_queue.HELD or entry.claimed_by != request["session"].username:
        raise web.HTTPConflict(text=refusal)


async def held_entry(request: web.Request) -> advisor_queue.QueueEntry:
    """The entry in the path, held by this session's advisor (else 404, 410 or 409)."""
    entry = await queue_entry(request)
    holder(request, entry)
    return entry


async def audit(request: web.Request, action: str, entry_id: Optional[int],
                actor: Optional[str] = None) -> None:
    """Audit ``action`` by this session's user (or ``actor``); entry_id None for none."""
    await asyncio.to_thread(advisor_queue.audit, actor or request["session"].username, action,
                            entry_id, request.app[DB])


# ------------------------------------------------------------------- server-sent events

async def sse(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    return response


def sse_event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
