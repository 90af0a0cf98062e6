"""The advisor console: an aiohttp web app over the queue and Rasa's HTTP API.

Security: every route but /login and /static needs a session; every state change needs the
session's CSRF token (header X-CSRF-Token or form field csrf) and a same-origin Origin when
the browser sends one; cookies are HttpOnly, SameSite=Strict and Secure on https; a session
is made only at login (a new id each time), and the login form's CSRF token is a signed
double-submit cookie, so anonymous visitors write nothing (see auth.py); login attempts are
limited per address and per username, counted before the password check. Pages set a
strict Content-Security-Policy (no inline script or style).

Pages are Jinja2 templates in templates/, each extending base.html, rendered with autoescape
on: every value is escaped, as html.escape did for each one in the f-strings before, and no
template marks a value safe. The script fills in live data with textContent, never innerHTML.
A 40-line conversation page renders in about 0.7 ms (0.2 ms from f-strings), small beside
the tracker fetch it waits for; the queue page in 0.08 ms.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional
from urllib.parse import urlsplit

import jinja2
from aiohttp import web
from sqlalchemy import text

from helpline import db, queue, settings
from helpline.console import auth, directory
from helpline.console.rasa_api import RasaAPI, RasaError, transcript
from helpline.directory.format import FULL, service_text
from helpline.untrusted import PAGE_BODY_BYTES, BadInput, parse_json_object

log = logging.getLogger(__name__)

COOKIE = "helpline_console"
LOGIN_COOKIE = "helpline_login"  # the login form's CSRF nonce, sent to /login only
STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_REPLY = 2000
POLL_QUEUE = 0.25
POLL_CONVERSATION = 0.3
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC = ("/login", "/static/", "/ready")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
DB = web.AppKey("db_url", str)
RASA = web.AppKey("rasa", RasaAPI)
LIMITER = web.AppKey("limiter", auth.RateLimiter)  # per username
IP_LIMITER = web.AppKey("ip_limiter", auth.RateLimiter)  # per address (shared offices)
STATE = web.AppKey("state", dict)


def _bad(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _secure(request: web.Request) -> bool:
    """Secure cookies on https (or behind a TLS proxy that says so, if trusted)."""
    config = settings.get()
    if config.console_secure_cookies:
        return True
    if config.console_trust_proxy:
        return request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    return request.secure


def _set_cookie(request: web.Request, response: web.StreamResponse, token: str,
                name: str = COOKIE, path: str = "/") -> None:
    response.set_cookie(name, token, httponly=True, samesite="Strict", path=path,
                        secure=_secure(request), max_age=auth.SESSION_HOURS * 3600)


def _wants_html(request: web.Request) -> bool:
    return request.method == "GET" and not request.path.startswith(("/api/", "/events/"))


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Clear 4xx for bad input; a plain 500 (no traceback, no content) otherwise."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except UnicodeDecodeError:  # request.post() on a form that is not UTF-8
        return _bad("The form is not valid UTF-8.", 400)
    except Exception as error:  # noqa: BLE001
        log.error("Console error on %s (%s).", request.path, type(error).__name__)
        return _bad("Something went wrong on our side.", 500)


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if not request.content.at_eof():  # a body refused unread: aiohttp 3.9.5 would stall
        response.force_close()  # the kept-alive connection (see helpline/webchat.py)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the session; require a login and, for state changes, the CSRF token."""
    if request.path == "/ready":  # needs no session, and must answer with the database down
        return await handler(request)
    db_url = request.app[DB]
    request["session"] = await asyncio.to_thread(
        auth.get_session, request.cookies.get(COOKIE), db_url)
    session: Optional[auth.SessionInfo] = request["session"]
    if not request.path.startswith(PUBLIC) and (session is None or session.username is None):
        if _wants_html(request):
            raise web.HTTPSeeOther("/login")
        return _bad("Please log in.", 401)
    if request.method not in SAFE_METHODS:
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            return _bad("Cross-site request refused.", 403)
        sent = request.headers.get("X-CSRF-Token", "")
        if not sent and request.content_type == "application/x-www-form-urlencoded":
            sent = str((await request.post()).get("csrf", ""))
        if request.path == "/login":  # no session yet: the login cookie's signed nonce
            nonce = request.cookies.get(LOGIN_COOKIE)
            expected = auth.login_csrf(nonce) if nonce else ""
        else:
            expected = session.csrf if session else ""
        if not sent or not expected or not hmac.compare_digest(sent.encode(),
                                                                expected.encode()):
            return _bad("Missing or wrong CSRF token: reload the page and try again.", 403)
    return await handler(request)


# ------------------------------------------------------------------------------------ pages

def _local_time(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(at))


PAGES = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                           undefined=jinja2.StrictUndefined, trim_blocks=True,
                           lstrip_blocks=True)
PAGES.filters["local_time"] = _local_time


def _page(template: str, session: Optional[auth.SessionInfo] = None, **context: Any
          ) -> web.Response:
    """A page from templates/ (each extends base.html); every value is escaped."""
    html = PAGES.get_template(template).render(session=session, **context)
    return web.Response(text=html, content_type="text/html")


def _ping(db_url: str) -> None:
    with db.engine_for(db_url).connect() as connection:
        connection.execute(text("SELECT 1"))


async def ready(request: web.Request) -> web.Response:
    """Readiness: our database (queue, accounts, audit) answers."""
    try:
        await asyncio.to_thread(_ping, request.app[DB])
    except Exception as error:  # noqa: BLE001
        return web.json_response({"status": "not ready", "problems": [
            f"our database is unreachable ({type(error).__name__})"]}, status=503)
    return web.json_response({"status": "ready"})


async def login_page(request: web.Request, message: str = "", status: int = 200
                     ) -> web.Response:
    nonce = auth.login_nonce(request.cookies.get(LOGIN_COOKIE))
    response = _page("login.html", message=message, login_csrf=auth.login_csrf(nonce))
    response.set_status(status)
    _set_cookie(request, response, nonce, LOGIN_COOKIE, "/login")
    return response


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", "")).strip()[:64]
    password = str(form.get("password", ""))[:1024]
    limits = ((request.app[LIMITER], f"user:{username.casefold()}"),
              (request.app[IP_LIMITER], f"ip:{request.remote}"))
    # Counted before the slow password check, so parallel attempts can't all pass first.
    taken = [(limiter, key, limiter.take(key)) for limiter, key in limits]
    if any(stamp is None for _, _, stamp in taken):
        for limiter, key, stamp in taken:
            if stamp is not None:
                limiter.give_back(key, stamp)
        response = await login_page(request, "Too many failed logins. Try again later.", 429)
        response.headers["Retry-After"] = str(max(lim.retry_after(k) for lim, k in limits))
        return response
    role = await asyncio.to_thread(auth.verify, username, password, request.app[DB])
    if role is None:  # the attempts stay counted
        return await login_page(request, "Wrong username or password.", 401)
    for limiter, key, stamp in taken:
        limiter.give_back(key, stamp)
    old = request["session"]
    await asyncio.to_thread(auth.end_session, old.token if old else None, request.app[DB])
    fresh = await asyncio.to_thread(auth.new_session, username, role, request.app[DB])
    response = web.HTTPSeeOther("/")
    _set_cookie(request, response, fresh.token)
    response.del_cookie(LOGIN_COOKIE, path="/login")
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    await asyncio.to_thread(auth.end_session, request["session"].token, request.app[DB])
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


async def queue_page(request: web.Request) -> web.Response:
    return _page("queue.html", request["session"])


async def supervisor_page(request: web.Request) -> web.Response:
    _require_supervisor(request)
    audit = await asyncio.to_thread(queue.audit_log, 50, request.app[DB])
    return _page("supervisor.html", request["session"], audit=audit)


def _require_supervisor(request: web.Request) -> None:
    if request["session"].role != "supervisor":
        raise web.HTTPForbidden(text="Supervisors only.")


ENDED_TEXT = "Ended by the person."


async def _entry(request: web.Request) -> queue.QueueEntry:
    """The entry, or 410 "ended by the person" (erased), or 404 (never existed)."""
    entry_id = int(request.match_info["id"])
    entry = await asyncio.to_thread(queue.get, entry_id, request.app[DB])
    if entry is None:
        ended = {e["id"] for e in request.app[STATE].get("ended", [])}
        if entry_id in ended or await asyncio.to_thread(queue.audited, entry_id,
                                                        request.app[DB]):
            raise web.HTTPGone(text=ENDED_TEXT)
        raise web.HTTPNotFound(text="No such queue entry.")
    return entry


async def conversation_page(request: web.Request) -> web.Response:
    entry = await _entry(request)
    session = request["session"]
    await asyncio.to_thread(queue.audit, session.username, "open", entry.id, request.app[DB])
    items: list[dict[str, Any]] = []
    if entry.conversation_id:
        with contextlib.suppress(RasaError):
            items = transcript(await request.app[RASA].events(entry.conversation_id))
    return _page("conversation.html", session, entry=entry, items=items,
                 outcomes=queue.OUTCOMES, max_reply=MAX_REPLY, note_max=queue.NOTE_MAX)


# -------------------------------------------------------------------------------- queue state

def _as_dict(entry: queue.QueueEntry, place: Optional[int]) -> dict[str, Any]:
    return {"id": entry.id, "kind": entry.kind, "priority": entry.priority,
            "signals": entry.signal_list, "status": entry.status, "channel": entry.channel,
            "created_at": entry.created_at, "claimed_by": entry.claimed_by, "place": place,
            "callback_method": entry.callback_method, "callback_time": entry.callback_time,
            "ended_at": entry.ended_at}


def snapshot(db_url: str) -> dict[str, Any]:
    """Everything the queue and supervisor views show (no conversation ids, no text)."""
    now = time.time()
    entries = queue.live(db_url)
    places, n = {}, 0
    for entry in entries:
        if entry.kind == queue.CHAT and entry.status == queue.WAITING:
            n += 1
            places[entry.id] = n
    figures = queue.figures(now, db_url)
    return {"entries": [_as_dict(e, places.get(e.id)) for e in entries],
            "figures": figures.__dict__}


def _vanished(db_url: str, ids: set[int]) -> list[int]:
    """Entries that left the live list because they were erased (not closed)."""
    return [i for i in sorted(ids) if queue.get(i, db_url) is None]


def _ended(state: dict, db_url: str, seen: set[int], live_ids: set[int]) -> list[dict]:
    """Entries ended by the person in the last hour: those that vanished since the last poll,
    and those staff had touched (audited) that are gone, so an entry erased between two
    polls is still listed."""
    now = time.time()
    ended = [e for e in state["ended"] if e["ended_at"] > now - 3600]
    known = {e["id"] for e in ended}
    gone = set(_vanished(db_url, seen - live_ids)) | set(queue.erased_since(now - 3600, db_url))
    for entry_id in sorted(gone - known - live_ids):
        ended.insert(0, {"id": entry_id, "ended_at": now})
    return ended


async def watch_queue(app: web.Application) -> None:
    """One poller per process; SSE streams wait for its change signal."""
    state = app[STATE]
    seen: set[int] = set()
    while True:
        try:
            data = await asyncio.to_thread(snapshot, app[DB])
            live_ids = {e["id"] for e in data["entries"]}
            ended = await asyncio.to_thread(_ended, state, app[DB], seen, live_ids)
            state["ended"], seen = ended, live_ids
            data["ended"] = ended
            encoded = json.dumps(data, sort_keys=True)
            if encoded != state.get("json"):
                state["json"] = encoded
                old, state["changed"] = state["changed"], asyncio.Event()
                old.set()
        except Exception as error:  # noqa: BLE001 - keep polling
            log.error("Queue poll failed (%s).", type(error).__name__)
        await asyncio.sleep(POLL_QUEUE)


async def _sse(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    return response


async def queue_events(request: web.Request) -> web.StreamResponse:
    response = await _sse(request)
    state = request.app[STATE]
    sent = None
    while True:
        changed = state["changed"]
        current = state.get("json")
        if current and current != sent:
            await response.write(f"event: queue\ndata: {current}\n\n".encode())
            sent = current
        try:
            await asyncio.wait_for(changed.wait(), 15)
        except asyncio.TimeoutError:
            await response.write(b": keep-alive\n\n")


async def queue_json(request: web.Request) -> web.Response:
    state = request.app[STATE]
    data = await asyncio.to_thread(snapshot, request.app[DB])
    live_ids = {e["id"] for e in data["entries"]}
    # Current at the moment of asking, not as of the poller's last pass.
    data["ended"] = state["ended"] = await asyncio.to_thread(
        _ended, state, request.app[DB], set(), live_ids)
    return web.json_response(data)


# -------------------------------------------------------------------------- conversations

async def transcript_json(request: web.Request) -> web.Response:
    entry = await _entry(request)
    items: list[dict[str, Any]] = []
    if entry.conversation_id:
        try:
            items = transcript(await request.app[RASA].events(entry.conversation_id))
        except RasaError:
            return _bad("The bot server did not answer; try again.", 502)
    return web.json_response({"status": entry.status, "claimed_by": entry.claimed_by,
                              "items": items})


async def conversation_events(request: web.Request) -> web.StreamResponse:
    """New transcript lines and status changes, polled from Rasa every 0.3 s."""
    entry = await _entry(request)
    try:
        count = max(int(request.query.get("after", "0")), 0)
    except ValueError:
        return _bad('"after" must be a whole number.')
    response = await _sse(request)
    status = None
    idle = 0.0
    entry_id = entry.id
    while True:
        entry = await asyncio.to_thread(queue.get, entry_id, request.app[DB])
        if entry is None:
            await response.write(("event: status\ndata: " + json.dumps(
                {"status": queue.ENDED, "label": ENDED_TEXT, "claimed_by": None})
                + "\n\n").encode())
            return response
        shown = (entry.status, entry.claimed_by)
        if shown != status:
            status = shown
            label = entry.status
            await response.write(("event: status\ndata: " + json.dumps(
                {"status": entry.status, "label": label, "claimed_by": entry.claimed_by})
                + "\n\n").encode())
        if entry.conversation_id is None:
            return response
        try:
            items = transcript(await request.app[RASA].events(entry.conversation_id))
        except RasaError:
            items = []
        if len(items) > count:
            for item in items[count:]:
                await response.write(f"event: line\ndata: {json.dumps(item)}\n\n".encode())
            count = len(items)
            idle = 0.0
        idle += POLL_CONVERSATION
        if idle >= 15:
            await response.write(b": keep-alive\n\n")
            idle = 0.0
        await asyncio.sleep(POLL_CONVERSATION)


async def _json_body(request: web.Request) -> dict[str, Any]:
    """The JSON object an advisor's page sent, or 400 (untrusted.parse_json_object: UTF-8,
    an object, depth): a deeply nested body was a RecursionError and a 500 before. Bodies
    over PAGE_BODY_BYTES got aiohttp's 413 already."""
    try:
        return parse_json_object(await request.read(), PAGE_BODY_BYTES)
    except BadInput as error:
        raise web.HTTPBadRequest(text=error.message) from None


def _holder(request: web.Request, entry: queue.QueueEntry) -> None:
    if entry.status != queue.HELD or entry.claimed_by != request["session"].username:
        raise web.HTTPConflict(text="You are not holding this conversation.")


async def claim(request: web.Request) -> web.Response:
    entry = await _entry(request)
    me, db_url = request["session"].username, request.app[DB]
    if not await asyncio.to_thread(queue.claim, entry.id, me, db_url=db_url):
        return _bad("Someone else has this conversation, or it has ended.", 409)
    try:
        await request.app[RASA].pause(entry.conversation_id)
    except RasaError:
        await asyncio.to_thread(queue.release, entry.id, me, db_url)
        return _bad("Couldn't pause the bot; the conversation is back in the queue.", 502)
    await asyncio.to_thread(queue.audit, me, "claim", entry.id, db_url)
    return web.json_response({"status": queue.HELD})


async def _send(request: web.Request, entry: queue.QueueEntry, text: str) -> web.Response:
    try:
        await request.app[RASA].say(entry.conversation_id, text)
    except RasaError:
        return _bad("The message was not sent: the bot server did not answer.", 502)
    await asyncio.to_thread(queue.audit, request["session"].username, "reply", entry.id,
                            request.app[DB])
    return web.json_response({"status": "sent"})


async def reply(request: web.Request) -> web.Response:
    entry = await _entry(request)
    _holder(request, entry)
    text = (await _json_body(request)).get("text")
    if not isinstance(text, str) or not text.strip():
        return _bad('"text" is empty: write a reply.')
    if len(text) > MAX_REPLY:
        return _bad(f"The reply is too long (over {MAX_REPLY} characters).", 413)
    return await _send(request, entry, text.strip())


async def directory_search(request: web.Request) -> web.Response:
    query = request.query.get("q", "")[:100]
    services = await asyncio.to_thread(directory.find, query)
    return web.json_response({"results": [
        {"id": s.id, "name": s.name, "message": service_text(s, FULL)} for s in services]})


async def insert_service(request: web.Request) -> web.Response:
    """Send a directory service to the person in one action."""
    entry = await _entry(request)
    _holder(request, entry)
    service_id = (await _json_body(request)).get("service_id")
    service = directory.get(service_id) if isinstance(service_id, str) else None
    if service is None:
        return _bad("No such service in the directory.", 404)
    return await _send(request, entry, service_text(service, FULL))


async def hand_back(request: web.Request) -> web.Response:
    entry = await _entry(request)
    _holder(request, entry)
    me, db_url = request["session"].username, request.app[DB]
    try:
        await request.app[RASA].resume(entry.conversation_id)
    except RasaError:
        return _bad("Couldn't resume the bot; you still hold the conversation.", 502)
    await asyncio.to_thread(queue.hand_back, entry.id, me, db_url)
    await asyncio.to_thread(queue.audit, me, "hand_back", entry.id, db_url)
    return web.json_response({"status": queue.WITH_BOT})


async def close(request: web.Request) -> web.Response:
    entry = await _entry(request)
    session, db_url = request["session"], request.app[DB]
    data = await _json_body(request)
    outcome, note = data.get("outcome"), data.get("note", "")
    if outcome not in queue.OUTCOMES:
        return _bad("Choose an outcome: " + ", ".join(queue.OUTCOMES) + ".")
    if not isinstance(note, str) or len(note) > queue.NOTE_MAX:
        return _bad(f"The note must be text of at most {queue.NOTE_MAX} characters.")
    supervisor = session.role == "supervisor"
    if not supervisor and entry.claimed_by != session.username:
        return _bad("You are not holding this conversation.", 409)
    if entry.status == queue.HELD and entry.conversation_id:
        with contextlib.suppress(RasaError):  # closing must work even if Rasa is down
            await request.app[RASA].resume(entry.conversation_id)
    done = await asyncio.to_thread(queue.close, entry.id, None if supervisor else
                                   session.username, outcome, note, db_url)
    if not done:
        return _bad("This conversation is already closed or ended.", 409)
    await asyncio.to_thread(queue.audit, session.username, "close", entry.id, db_url)
    return web.json_response({"status": queue.CLOSED})


# -------------------------------------------------------------------------------- the app

async def _start(app: web.Application) -> None:
    app[STATE]["changed"] = asyncio.Event()
    app[STATE]["ended"] = []
    app[STATE]["task"] = asyncio.create_task(watch_queue(app))


async def _stop(app: web.Application) -> None:
    app[STATE]["task"].cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app[STATE]["task"]
    await app[RASA].close()


def make_app(rasa_url: str, db_url: Optional[str] = None,
             rasa_token: Optional[str] = None) -> web.Application:
    app = web.Application(middlewares=[errors, headers, sessions], client_max_size=PAGE_BODY_BYTES)
    app[DB] = db_url or settings.database_url()
    app[RASA] = RasaAPI(rasa_url, rasa_token)
    app[LIMITER] = auth.RateLimiter(limit=5)
    app[IP_LIMITER] = auth.RateLimiter(limit=30)
    app[STATE] = {}
    queue.engine(app[DB])
    auth.engine(app[DB])
    entry = r"/{id:\d{1,12}}"
    app.add_routes([
        web.get("/login", login_page), web.post("/login", login),
        web.get("/ready", ready),
        web.post("/logout", logout),
        web.get("/", queue_page), web.get("/supervisor", supervisor_page),
        web.get("/api/queue", queue_json), web.get("/events/queue", queue_events),
        web.get("/c" + entry, conversation_page),
        web.get("/api/c" + entry + "/transcript", transcript_json),
        web.get("/events/c" + entry, conversation_events),
        web.post("/api/c" + entry + "/claim", claim),
        web.post("/api/c" + entry + "/reply", reply),
        web.post("/api/c" + entry + "/service", insert_service),
        web.post("/api/c" + entry + "/handback", hand_back),
        web.post("/api/c" + entry + "/close", close),
        web.get("/api/directory", directory_search),
        web.static("/static", STATIC),
    ])
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
    return app
