"""The advisor console: an aiohttp web app over the queue and Rasa's HTTP API.

Security: every route but /login and /static needs a session; every state change needs the
session's CSRF token (header X-CSRF-Token or form field csrf) and a same-origin Origin when
the browser sends one; cookies are HttpOnly, SameSite=Strict and Secure on https; a session
is made only at login (a new id each time), and the login form's CSRF token is a signed
double-submit cookie, so anonymous visitors write nothing (see auth.py); login attempts are
limited per address and per username, counted before the password check. Pages set a
strict Content-Security-Policy (no inline script or style).

Pages are Jinja2 templates in templates/, each extending base.html, rendered with autoescape
on (handlers.render; handlers.py holds what this module and the feature modules' routes
share): every value is escaped, as html.escape did for each one in the f-strings before, and
no template marks a value safe. The script fills in live data with textContent, never innerHTML.
A 40-line conversation page renders in about 0.7 ms (0.2 ms from f-strings), small beside
the tracker fetch it waits for; the queue page in 0.08 ms.

Live views (docs/handoff.md, "The console"): one poller per process reads the queue every
0.25 s and pushes a snapshot by server-sent events only when it changed. The snapshot holds
times, never durations ("oldest waiting since", not "longest wait"), so an idle queue sends
nothing; before, the longest wait changed at every poll and every console redrew its queue
four times a second. The page updates only the rows and cells that changed (console.js).
Entries carry their labels in plain English (risk.label, handlers.CHANNEL_NAMES and
STATUS_LABELS), so the browser shows no codes. Errors are JSON ({"error": ...}) on /api and
/events and a page on the rest (handlers.problem), each a sentence an advisor can act on.

The person is told when an advisor joins, leaves, hands back or closes (notices.py), through
the same Rasa call as an advisor's reply. Typing flags (advisor_queue.set_typing) go both ways.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text

from helpline import advisor_queue, db, risk, settings
from helpline.console import (
    auth,
    callbacks,
    canned,
    directory,
    notices,
    records,
    shifts,
    statistics,
    supervision,
)
from helpline.console.handlers import (
    CHANGED,
    DB,
    ID_PATH,
    KEEP_ALIVE,
    NOT_HOLDING,
    RASA,
    STATE,
    STATUS_LABELS,
    Handler,
    audit,
    bad,
    channel_name,
    held_entry,
    json_body,
    problem,
    queue_entry,
    render,
    require_supervisor,
    sse,
    sse_event,
    status_label,
    wants_html,
)
from helpline.console.rasa_api import RasaAPI, RasaError, transcript
from helpline.directory.format import FULL, service_text
from helpline.untrusted import PAGE_BODY_BYTES

log = logging.getLogger(__name__)

COOKIE = "helpline_console"
LOGIN_COOKIE = "helpline_login"  # the login form's CSRF nonce, sent to /login only
STATIC = Path(__file__).resolve().parent / "static"
MAX_REPLY = 2000
POLL_QUEUE = 0.25
POLL_CONVERSATION = 0.3
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC = ("/login", "/static/", "/ready")
# A commissioner sees the anonymous demand figures and nothing of any conversation.
COMMISSIONER_PATHS = ("/stats", "/logout", "/static/")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

LIMITER = web.AppKey("limiter", auth.RateLimiter)  # per username
IP_LIMITER = web.AppKey("ip_limiter", auth.RateLimiter)  # per address (shared offices)


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


DEFAULT_PROBLEMS = {404: "There is no such page.", 405: "That can't be done here."}


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Clear 4xx for bad input, as JSON on /api and /events and as a page elsewhere; a
    plain 500 (no traceback, no content) otherwise."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400 or error.status == 413:
            raise
        default = not error.text or error.text.startswith(f"{error.status}:")
        message = DEFAULT_PROBLEMS.get(error.status, error.reason) if default else error.text
        return problem(request, error.status, message)
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except UnicodeDecodeError:  # request.post() on a form that is not UTF-8
        return bad("The form is not valid UTF-8.", 400)
    except Exception as error:  # noqa: BLE001
        log.error("Console error on %s (%s).", request.path, type(error).__name__)
        return bad("Something went wrong on our side.", 500)


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
        if wants_html(request):
            raise web.HTTPSeeOther("/login")
        return bad("Please log in.", 401)
    if session is not None and session.role == "commissioner" \
            and not request.path.startswith(PUBLIC + COMMISSIONER_PATHS):
        if request.path == "/" and request.method == "GET":
            raise web.HTTPSeeOther("/stats")
        raise web.HTTPForbidden(text="This account can see the demand figures only.")
    if request.method not in SAFE_METHODS:
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            return bad("Cross-site request refused.", 403)
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
            return bad("Missing or wrong CSRF token: reload the page and try again.", 403)
    return await handler(request)


# ------------------------------------------------------------------------------------ pages

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
    response = render("login.html", http_status=status, message=message,
                      login_csrf=auth.login_csrf(nonce))
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
    response = web.HTTPSeeOther("/stats" if role == "commissioner" else "/")
    _set_cookie(request, response, fresh.token)
    response.del_cookie(LOGIN_COOKIE, path="/login")
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    await asyncio.to_thread(auth.end_session, request["session"].token, request.app[DB])
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


async def queue_page(request: web.Request) -> web.Response:
    session = request["session"]
    name = await asyncio.to_thread(auth.first_name, session.username, request.app[DB])
    handover = await asyncio.to_thread(canned.notes, db_url=request.app[DB])
    return render("queue.html", session, first_name=name, first_name_max=auth.FIRST_NAME_MAX,
                  handover=handover, handover_max=canned.NOTE_MAX)


async def set_first_name(request: web.Request) -> web.Response:
    """The first name people see when this advisor joins their chat ("" for none)."""
    data = await json_body(request)
    try:
        name = await asyncio.to_thread(auth.set_first_name, request["session"].username,
                                       data.get("first_name", ""), request.app[DB])
    except ValueError as error:
        return bad(str(error))
    return web.json_response({"first_name": name})


async def supervisor_page(request: web.Request) -> web.Response:
    require_supervisor(request)
    recent = await asyncio.to_thread(advisor_queue.audit_log, 50, request.app[DB])
    escalations = await asyncio.to_thread(records.escalations, request.app[DB])
    return render("supervisor.html", request["session"], audit=recent, escalations=escalations)


def _figures_period(request: web.Request) -> tuple:
    if request["session"].role not in statistics.ROLES:
        raise web.HTTPForbidden(text="The demand figures are for supervisors and commissioners.")
    try:
        return statistics.period(request.query)
    except ValueError as error:
        raise web.HTTPBadRequest(text=str(error)) from None


async def stats_page(request: web.Request) -> web.Response:
    """Demand figures: this quarter against the last, charts, unmet demand (issue 15)."""
    start, end, area = _figures_period(request)
    shown = await asyncio.to_thread(statistics.figures, start, end, area, request.app[DB])
    return render("statistics.html", request["session"], area=area, areas=statistics.areas(),
                  quarters=statistics.quarters(start), **shown)


async def stats_csv(request: web.Request) -> web.Response:
    start, end, area = _figures_period(request)
    body = await asyncio.to_thread(statistics.csv_bytes, start, end, area, request.app[DB])
    name = f"demand-{start.isoformat()}-{end.isoformat()}-{area or 'all-areas'}.csv"
    return web.Response(body=body, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _state(entry: Optional[advisor_queue.QueueEntry], me: str, supervisor: bool) -> dict[str, Any]:
    """What the conversation page shows of an entry, and which controls apply now."""
    if entry is None:
        return {"status": advisor_queue.ENDED, "label": STATUS_LABELS[advisor_queue.ENDED], "claimed_by": None,
                "can": {}}
    live, mine = entry.status in advisor_queue.LIVE_STATUSES, entry.claimed_by == me
    held_by_me = entry.status == advisor_queue.HELD and mine
    label = "With you" if held_by_me else status_label(entry.status, entry.claimed_by)
    if entry.status == advisor_queue.CLOSED and entry.outcome in advisor_queue.OUTCOMES:
        label += ": " + advisor_queue.OUTCOMES[entry.outcome]
    left = advisor_queue.gone(entry)  # shifts.py: the person has gone quiet
    if left:
        label += " (the person seems to have left)"
    return {"status": entry.status, "label": label, "claimed_by": entry.claimed_by,
            "priority": entry.priority, "priority_label": risk.PRIORITY_LABELS[entry.priority],
            "signals": risk.labels(entry.signal_list), "left": left,
            "can": {"claim": entry.status in (advisor_queue.WAITING, advisor_queue.WITH_BOT)
                    and entry.conversation_id is not None,
                    "reply": held_by_me, "release": held_by_me, "handback": held_by_me,
                    "close": live and (mine or supervisor)}}


async def conversation_page(request: web.Request) -> web.Response:
    entry = await queue_entry(request)
    session = request["session"]
    await audit(request, "open", entry.id)
    items: list[dict[str, Any]] = []
    if entry.conversation_id:
        with contextlib.suppress(RasaError):
            items = transcript(await request.app[RASA].events(entry.conversation_id))
    state = _state(entry, session.username, session.role == "supervisor")
    return render("conversation.html", session, entry=entry, items=items, state=state,
                  channel=channel_name(entry.channel), max_reply=MAX_REPLY,
                  whisper_max=advisor_queue.WHISPER_MAX)


# -------------------------------------------------------------------------------- queue state

def _as_dict(entry: advisor_queue.QueueEntry) -> dict[str, Any]:
    """One entry for the live views; "id" is the one entry number shown everywhere."""
    return {"id": entry.id, "kind": entry.kind, "priority": entry.priority,
            "priority_label": risk.PRIORITY_LABELS[entry.priority],
            "signals": risk.labels(entry.signal_list), "status": entry.status,
            "status_label": status_label(entry.status, entry.claimed_by),
            "channel": channel_name(entry.channel), "created_at": entry.created_at,
            "claimed_by": entry.claimed_by, "claimed_at": entry.claimed_at,
            "callback_method": entry.callback_method, "callback_time": entry.callback_time,
            "callback_due_at": entry.callback_due_at,
            "callback_attempts": entry.callback_attempts or 0,
            "left": advisor_queue.gone(entry)}


def snapshot(db_url: str) -> dict[str, Any]:
    """Everything the queue and supervisor views show (no conversation ids, no text), in
    queue order; it changes only when the queue does (times, not durations)."""
    entries = advisor_queue.live(db_url)
    figures = advisor_queue.figures(time.time(), db_url)
    return {"entries": [_as_dict(e) for e in entries], "figures": figures.__dict__,
            "line": shifts.line(db_url)}


def _vanished(db_url: str, ids: set[int]) -> list[int]:
    """Entries that left the live list because they were erased (not closed)."""
    return [i for i in sorted(ids) if advisor_queue.get(i, db_url) is None]


def _ended(state: dict, db_url: str, seen: set[int], live_ids: set[int]) -> list[dict]:
    """Entries ended by the person in the last hour: those that vanished since the last poll,
    and those staff had touched (audited) that are gone, so an entry erased between two
    polls is still listed."""
    now = time.time()
    ended = [e for e in state["ended"] if e["ended_at"] > now - 3600]
    known = {e["id"] for e in ended}
    gone = set(_vanished(db_url, seen - live_ids)) | set(advisor_queue.erased_since(now - 3600, db_url))
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
            await _record_ended(state, ended, data["entries"], app[DB])
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


async def queue_events(request: web.Request) -> web.StreamResponse:
    response = await sse(request)
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
            await response.write(KEEP_ALIVE)


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
    entry = await queue_entry(request)
    session = request["session"]
    items: list[dict[str, Any]] = []
    if entry.conversation_id:
        try:
            items = transcript(await request.app[RASA].events(entry.conversation_id))
        except RasaError:
            return bad("The bot server did not answer; try again.", 502)
    return web.json_response({**_state(entry, session.username, session.role == "supervisor"),
                              "items": items})


def _person_typing(conversation_id: str, items: list[dict[str, Any]], db_url: str) -> bool:
    """The person typed in the last few seconds, after their last message."""
    at = advisor_queue.typing_at(conversation_id, advisor_queue.PERSON, db_url=db_url)
    last = max((i["ts"] or 0 for i in items if i["who"] == "person"), default=0)
    return at is not None and at > last


async def conversation_events(request: web.Request) -> web.StreamResponse:
    """New transcript lines, status changes and the person's typing, polled every 0.3 s."""
    entry = await queue_entry(request)
    session = request["session"]
    me, supervisor = session.username, session.role == "supervisor"
    try:
        count = max(int(request.query.get("after", "0")), 0)
    except ValueError:
        return bad('"after" must be a whole number.')
    response = await sse(request)
    shown: Optional[dict[str, Any]] = None
    typing = False
    idle = 0.0
    entry_id, db_url = entry.id, request.app[DB]
    while True:
        found = await asyncio.to_thread(advisor_queue.get, entry_id, db_url)
        state = _state(found, me, supervisor)
        if state != shown:
            shown = state
            await response.write(sse_event("status", state))
        if found is None or found.conversation_id is None:
            return response
        try:
            items = transcript(await request.app[RASA].events(found.conversation_id))
        except RasaError:
            items = []
        if len(items) > count:
            for item in items[count:]:
                await response.write(sse_event("line", item))
            count = len(items)
            idle = 0.0
        now_typing = found.status == advisor_queue.HELD and await asyncio.to_thread(
            _person_typing, found.conversation_id, items, db_url)
        if now_typing != typing:
            typing = now_typing
            await response.write(sse_event("typing", {"person": typing}))
        idle += POLL_CONVERSATION
        if idle >= 15:
            await response.write(KEEP_ALIVE)
            idle = 0.0
        await asyncio.sleep(POLL_CONVERSATION)


async def _tell(request: web.Request, entry: advisor_queue.QueueEntry, kind: str) -> bool:
    """Tell the person (notices.py); the joining advisor's first name if they set one."""
    name = ""
    if kind == notices.JOINED:
        name = await asyncio.to_thread(auth.first_name, request["session"].username,
                                       request.app[DB])
    return await request.app[RASA].tell(entry.conversation_id, kind, name)


async def claim(request: web.Request) -> web.Response:
    entry = await queue_entry(request)
    me, db_url = request["session"].username, request.app[DB]
    if advisor_queue.gone(entry) and (await json_body(request)).get("confirm") is not True:
        minutes = int((time.time() - (entry.last_seen_at or entry.created_at)) // 60)
        return web.json_response({"error": shifts.GONE_TEXT.format(minutes=minutes),
                                  "confirm": True}, status=409)
    if not await asyncio.to_thread(advisor_queue.claim, entry.id, me, db_url=db_url):
        return bad("Someone else has this conversation, or it has ended.", 409)
    try:
        await request.app[RASA].pause(entry.conversation_id)
    except RasaError:
        await asyncio.to_thread(advisor_queue.release, entry.id, me, db_url)
        return bad("Couldn't pause the bot; the conversation is back in the queue.", 502)
    await audit(request, "claim", entry.id)
    told = await _tell(request, entry, notices.JOINED)
    return web.json_response({"status": advisor_queue.HELD, "told": told})


async def _send(request: web.Request, entry: advisor_queue.QueueEntry, text: str) -> web.Response:
    db_url = request.app[DB]
    # Not typing any more: cleared before the message goes, so the person never sees
    # "typing..." after it.
    await asyncio.to_thread(advisor_queue.set_typing, entry.conversation_id, advisor_queue.ADVISOR, False,
                            db_url=db_url)
    try:
        await request.app[RASA].say(entry.conversation_id, text)
    except RasaError:
        return bad("The message was not sent: the bot server did not answer. Try again.", 502)
    await audit(request, "reply", entry.id)
    return web.json_response({"status": "sent"})


async def reply(request: web.Request) -> web.Response:
    entry = await held_entry(request)
    text = (await json_body(request)).get("text")
    if not isinstance(text, str) or not text.strip():
        return bad('"text" is empty: write a reply.')
    if len(text) > MAX_REPLY:
        return bad(f"The reply is too long (over {MAX_REPLY} characters).", 413)
    return await _send(request, entry, text.strip())


async def typing(request: web.Request) -> web.Response:
    """The advisor is typing: the person's web chat shows it for a few seconds."""
    entry = await held_entry(request)
    await asyncio.to_thread(advisor_queue.set_typing, entry.conversation_id, advisor_queue.ADVISOR,
                            db_url=request.app[DB])
    return web.json_response({"status": "ok"})


async def directory_search(request: web.Request) -> web.Response:
    query = request.query.get("q", "")[:100]
    services = await asyncio.to_thread(directory.find, query)
    return web.json_response({"results": [
        {"id": s.id, "name": s.name, "message": service_text(s, FULL)} for s in services]})


async def insert_service(request: web.Request) -> web.Response:
    """Send a directory service to the person in one action."""
    entry = await held_entry(request)
    service_id = (await json_body(request)).get("service_id")
    service = directory.get(service_id) if isinstance(service_id, str) else None
    if service is None:
        return bad("No such service in the directory.", 404)
    return await _send(request, entry, service_text(service, FULL))


async def _give_up(request: web.Request, action: str) -> web.Response:
    """Hand back to the bot (action "hand_back") or leave the chat for another advisor
    ("release": back to waiting, keeping its priority and place). Either way the bot
    resumes, and the person is told."""
    entry = await held_entry(request)
    me, db_url = request["session"].username, request.app[DB]
    try:
        await request.app[RASA].resume(entry.conversation_id)
    except RasaError:
        return bad("Couldn't resume the bot; you still hold the conversation. Try again.", 502)
    if action == "release":
        done = await asyncio.to_thread(advisor_queue.release, entry.id, me, db_url)
        kind, status = notices.LEFT, advisor_queue.WAITING
    else:
        done = await asyncio.to_thread(advisor_queue.hand_back, entry.id, me, db_url)
        kind, status = notices.HANDED_BACK, advisor_queue.WITH_BOT
    if not done:
        return bad(CHANGED, 409)
    await audit(request, action, entry.id)
    told = await _tell(request, entry, kind)
    return web.json_response({"status": status, "told": told})


async def hand_back(request: web.Request) -> web.Response:
    return await _give_up(request, "hand_back")


async def release(request: web.Request) -> web.Response:
    return await _give_up(request, "release")


async def close(request: web.Request) -> web.Response:
    """Close with the contact record (records.py). {"step": "review"} checks the form and
    answers its summary for the confirmation step, changing nothing."""
    entry = await queue_entry(request)
    session, db_url = request["session"], request.app[DB]
    data = await json_body(request)
    try:
        form = records.parse_form(data)
    except records.FormError as error:
        return bad(str(error))
    if data.get("step", "confirm") not in ("review", "confirm"):
        return bad('"step" must be "review" or "confirm".')
    supervisor = session.role == "supervisor"
    if not supervisor and entry.claimed_by != session.username:
        return bad(NOT_HOLDING, 409)
    if entry.status not in advisor_queue.LIVE_STATUSES:
        return bad("This conversation is already closed or ended.", 409)
    if data.get("step") == "review":
        return web.json_response({"status": "review", "summary": form.summary()})
    if entry.status == advisor_queue.HELD and entry.conversation_id:
        with contextlib.suppress(RasaError):  # closing must work even if Rasa is down
            await request.app[RASA].resume(entry.conversation_id)
    done = await asyncio.to_thread(advisor_queue.close, entry.id, None if supervisor else
                                   session.username, form.outcome, "", db_url)
    if not done:
        return bad("This conversation is already closed or ended.", 409)
    await asyncio.to_thread(records.record_close, entry, form, session.username,
                            channel_name(entry.channel), advisor_queue.gone(entry), db_url=db_url)
    await audit(request, "close", entry.id)
    told = None
    kind = {advisor_queue.HELD: notices.CLOSED, advisor_queue.WAITING: notices.REMOVED}.get(entry.status)
    if kind and entry.conversation_id:  # handed back already: the person is with the bot
        told = await _tell(request, entry, kind)
    return web.json_response({"status": advisor_queue.CLOSED, "told": told})


# -------------------------------------------------------------------------- contact records

async def _record_ended(state: dict, ended: list[dict], entries: list[dict], db_url: str
                        ) -> None:
    """A contact record for each entry newly ended by the person, from what the last
    snapshot showed of it (records.record_ended; no conversation id, no text)."""
    recorded = state.setdefault("recorded", set())
    fresh = [e for e in ended if e["id"] not in recorded]
    if fresh:
        await asyncio.to_thread(records.note_ended, fresh, state.get("known", {}), db_url)
        recorded.update(e["id"] for e in fresh)
    state["known"] = {e["id"]: e for e in entries}


async def close_page(request: web.Request) -> web.Response:
    """The contact record form: outcome, notes, tags, DASH, MARAC, safeguarding."""
    entry = await queue_entry(request)
    session = request["session"]
    if entry.status not in advisor_queue.LIVE_STATUSES:
        raise web.HTTPConflict(text="This conversation is already closed.")
    if session.role != "supervisor" and entry.claimed_by != session.username:
        raise web.HTTPConflict(text=NOT_HOLDING)
    return render("close.html", session, entry=entry, outcomes=advisor_queue.OUTCOMES,
                  questions=records.DASH_QUESTIONS, threshold=records.MARAC_THRESHOLD,
                  statement=records.MARAC_STATEMENT, notes_max=records.NOTES_MAX,
                  tags_max=records.TAGS_MAX, tag_max=records.TAG_MAX, left=advisor_queue.gone(entry))


def _days(request: web.Request) -> tuple:
    try:
        return (records.parse_day(request.query.get("from"), "from"),
                records.parse_day(request.query.get("to"), "to"))
    except records.FormError as error:
        raise web.HTTPBadRequest(text=str(error)) from None


async def records_page(request: web.Request) -> web.Response:
    require_supervisor(request)
    since, until = _days(request)
    found = await asyncio.to_thread(records.listing, since, until, records.MAX_SHOWN,
                                    request.app[DB])
    return render("records.html", request["session"], records=found, since=since,
                  until=until, shown_max=records.MAX_SHOWN, questions=records.DASH_QUESTIONS)


async def records_csv(request: web.Request) -> web.Response:
    require_supervisor(request)
    since, until = _days(request)
    found = await asyncio.to_thread(records.listing, since, until, None, request.app[DB])
    await audit(request, "export_records", None)
    return web.Response(body=records.to_csv(found), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition":
                                 'attachment; filename="contact-records.csv"'})


async def dealt_with(request: web.Request) -> web.Response:
    """The duty supervisor has dealt with a safeguarding escalation (a form on /supervisor)."""
    require_supervisor(request)
    record = await asyncio.to_thread(records.get, int(request.match_info["id"]),
                                     request.app[DB])
    if record is None or not record.safeguarding:
        raise web.HTTPNotFound(text="There is no such safeguarding escalation.")
    me = request["session"].username
    if await asyncio.to_thread(records.mark_dealt_with, record.id, me, request.app[DB]):
        await audit(request, "safeguarding_dealt_with", record.entry_id)
    raise web.HTTPSeeOther("/supervisor")


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
    app = web.Application(middlewares=[headers, errors, sessions], client_max_size=PAGE_BODY_BYTES)
    app[DB] = db_url or settings.database_url()
    app[RASA] = RasaAPI(rasa_url, rasa_token)
    app[LIMITER] = auth.RateLimiter(limit=5)
    app[IP_LIMITER] = auth.RateLimiter(limit=30)
    app[STATE] = {}
    advisor_queue.engine(app[DB])
    auth.engine(app[DB])
    records.engine(app[DB])
    app.add_routes([
        web.get("/login", login_page), web.post("/login", login),
        web.get("/ready", ready),
        web.post("/logout", logout),
        web.get("/", queue_page), web.get("/supervisor", supervisor_page),
        web.get("/api/queue", queue_json), web.get("/events/queue", queue_events),
        web.get("/c" + ID_PATH, conversation_page),
        web.get("/api/c" + ID_PATH + "/transcript", transcript_json),
        web.get("/events/c" + ID_PATH, conversation_events),
        web.post("/api/c" + ID_PATH + "/claim", claim),
        web.post("/api/c" + ID_PATH + "/reply", reply),
        web.post("/api/c" + ID_PATH + "/service", insert_service),
        web.post("/api/c" + ID_PATH + "/handback", hand_back),
        web.post("/api/c" + ID_PATH + "/release", release),
        web.post("/api/c" + ID_PATH + "/typing", typing),
        web.post("/api/c" + ID_PATH + "/close", close),
        web.get("/c" + ID_PATH + "/close", close_page),
        web.get("/records", records_page), web.get("/records.csv", records_csv),
        web.post("/records" + ID_PATH + "/dealt-with", dealt_with),
        web.post("/api/me/name", set_first_name),
        web.get("/api/directory", directory_search),
        web.get("/stats", stats_page), web.get("/stats.csv", stats_csv),
        web.static("/static", STATIC),
    ])
    shifts.setup(app)
    supervision.setup(app)  # transfer, whisper, take-over, the notes stream
    callbacks.setup(app)
    canned.setup(app)
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
    return app
