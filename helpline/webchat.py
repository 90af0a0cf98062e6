"""The web chat page and its same-origin proxy to Rasa's REST channel.

Run: ``python -m helpline.webchat --port 8000 --rasa-url http://127.0.0.1:5005``

- ``GET /``: the chat page (neutral title, quick exit, no cookies, no caching).
- ``POST /api/message``: ``{"sender", "message"}`` to Rasa's REST webhook; answers
  ``{"messages": [...], "ended": bool}`` (ended: a safety word erased the conversation, as
  the REST channel's X-Helpline-Ended header says; before, the web chat compared the reply
  with the neutral reply, so the two servers had to share HELPLINE_NEUTRAL_REPLY).
- ``POST /api/erase``: ``{"sender"}`` to the REST channel's erase route (quick exit's beacon).
- ``GET /api/outbox?sender=...&after=N&wait=S``: messages that arrived outside a request (an
  advisor's replies, and notices that an advisor joined or left), from the REST channel's
  outbox. The page long-polls it (wait=20): a reply shows as soon as it is sent; after an
  error the page retries about every second.
- ``GET /api/typing?sender=...`` and ``POST /api/typing {"sender"}`` (the person is typing):
  ``{"advisor_typing": bool}``, from the REST channel's ``/webhooks/rest/typing``. The page
  uses them only while an advisor is with the person.

Phone numbers: a bot or advisor message with numbers in it carries ``phones``, their spans as ``[start, end, "tel:+44..."]`` in UTF-16 code units (JavaScript's string
indices), and the page makes each a tap-to-call link, building the link from the number
found, never from anything else. Numbers are found by the phonenumbers library
(PhoneNumberMatcher, region GB, its default "valid" leniency: 0808 2000 247, 0800 1111,
+44 ...), plus the short numbers it knows that people may need here: emergency numbers (999,
112) and the 116 helplines (Samaritans 116 123). Other short codes ("123", "105") are left as
text: a count or a time read as a number would put a wrong link in front of someone.

Settings (helpline.settings): HELPLINE_EXIT_URL (default BBC Weather), HELPLINE_EXIT_NAME,
HELPLINE_PAGE_TITLE, HELPLINE_WEBCHAT_HOST, HELPLINE_WEBCHAT_PORT, HELPLINE_RASA_URL.
No access log: it would hold IPs.

Bodies are read with helpline.untrusted.parse_json_object (size, UTF-8, JSON, depth, an
object): bad ones get a 400 or 413 here; the Rasa server's REST channel checks the fields
(a sender id with a lone surrogate: 400) and its answer's status is passed on. Answers are
JSON with "<", ">" and "&" escaped, so nothing sent comes back as markup. Bodies over
helpline.untrusted.PAGE_BODY_BYTES (16 KB: what the page can send, see there) get a 413. A
request whose body was not read to the end (refused unread) is answered with the
connection closed: aiohttp 3.9.5 stops reading a connection while over 128 KB of a body wait
unread and, if the handler never reads them, never starts again, so the client's next request
on that kept-alive connection hung until the 75 s keep-alive timeout (measured).
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import html
import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

import aiohttp
import phonenumbers
from aiohttp import web
from phonenumbers import PhoneNumberFormat, shortnumberinfo

from helpline import logs, safety_words, settings
from helpline.untrusted import (
    PAGE_BODY_BYTES,
    BadInput,
    json_dumps,
    parse_json_object,
    refuse_if_larger,
)

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("webchat_static")
RASA_URL = web.AppKey("rasa_url", str)
SESSION = web.AppKey("session", aiohttp.ClientSession)
PAGE = web.AppKey("page", bytes)

SECURITY_HEADERS = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    ),
}


def render_page() -> bytes:
    """The chat page with the quick exit and the title from settings."""
    config = settings.get()
    values = {"exit_url": config.exit_url, "exit_name": config.exit_name,
              "title": config.page_title}
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", html.escape(value, quote=True))
    return page.encode("utf-8")


json_response = functools.partial(web.json_response, dumps=json_dumps)


def error(message: str, status: int = 400) -> web.Response:
    return json_response({"error": message}, status=status)


@web.middleware
async def headers_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Security headers on every answer; unknown failures become a plain JSON 4xx/5xx."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = json_response({"error": exc.reason}, status=exc.status)
    except Exception as exc:  # noqa: BLE001 - never a traceback to the browser
        logger.error("Web chat request failed (%s).", type(exc).__name__)
        response = error("Sorry, something went wrong. If you are in danger, call 999.", 500)
    if not request.content.at_eof():  # a body refused unread: see the module docstring
        response.force_close()
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def read_json(request: web.Request,
                    fields: str = '"sender": "...", "message": "..."') -> dict[str, Any]:
    """The JSON object in the body, whatever the content type (sendBeacon sends text/plain),
    or BadInput."""
    refuse_if_larger(request.content_length, PAGE_BODY_BYTES)
    body = await request.content.read(PAGE_BODY_BYTES + 1)
    return parse_json_object(body, PAGE_BODY_BYTES, hint=f" Send JSON: {{{fields}}}.")


async def index(request: web.Request) -> web.Response:
    return web.Response(body=request.app[PAGE], content_type="text/html", charset="utf-8")


async def favicon(_request: web.Request) -> web.Response:
    return web.Response(body=(STATIC_DIR / "favicon.svg").read_bytes(),
                        content_type="image/svg+xml")


async def _forward(request: web.Request, path: str, payload: dict[str, Any]
                   ) -> tuple[int, Any, bool]:
    """Rasa's status and JSON answer, and whether it says the conversation was erased."""
    url = request.app[RASA_URL].rstrip("/") + path
    async with request.app[SESSION].post(url, json=payload) as upstream:
        try:
            data = await upstream.json(content_type=None)
        except ValueError:
            data = None
        return upstream.status, data, upstream.headers.get(safety_words.ENDED_HEADER) == "1"


_SHORT = re.compile(r"(?<![\w+])(999|112|116 ?\d{3})(?!\w)")


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def phone_links(text: str) -> list[list[Any]]:
    """The phone numbers in a message: ``[start, end, "tel:..."]`` in UTF-16 units, in order,
    not overlapping (see the module docstring)."""
    spans: list[tuple[int, int, str]] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB"):
        number = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
        spans.append((match.start, match.end, "tel:" + number))
    for match in _SHORT.finditer(text):
        digits = match.group(1).replace(" ", "")
        if any(start < match.end() and match.start() < end for start, end, _ in spans):
            continue
        short = phonenumbers.parse(digits, "GB")
        if shortnumberinfo.is_emergency_number(digits, "GB") or (
                digits.startswith("116")
                and shortnumberinfo.is_valid_short_number_for_region(short, "GB")):
            spans.append((match.start(), match.end(), "tel:" + digits))
    return [[_utf16(text, start), _utf16(text, end), tel] for start, end, tel in sorted(spans)]


def with_phone_links(messages: list[Any]) -> list[Any]:
    """The messages, each one with numbers in its text given its ``phones`` (these are the
    bot's and advisors' messages; a message without a number is passed on as it came)."""
    out = []
    for item in messages:
        phones = phone_links(item["text"]) if isinstance(item, dict) and isinstance(
            item.get("text"), str) else []
        out.append({**item, "phones": phones} if phones else item)
    return out


async def message(request: web.Request) -> web.Response:
    try:
        data = await read_json(request)
    except BadInput as exc:
        if exc.status == 413:
            return error("The message is too long: please keep it under 4000 characters. "
                         "If you are in danger now, call 999.", 413)
        return error(exc.message, exc.status)
    sender, text = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not sender.strip():
        return error('"sender" is missing.')
    if not isinstance(text, str) or not text.strip():
        return error("Please type a message first.")
    try:
        status, reply, ended = await _forward(request, "/webhooks/rest/webhook",
                                       {"sender": sender, "message": text})
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        logger.error("The Rasa server is unreachable (%s).", type(exc).__name__)
        return error("Sorry, we couldn't reach the assistant. If you are in danger, call 999.",
                     503)
    if status >= 400:
        # Rasa's REST channel explains a 503 (database unreachable) in a message list.
        listed = reply if isinstance(reply, list) else []
        detail = reply.get("error") if isinstance(reply, dict) else " ".join(
            m["text"] for m in listed if isinstance(m, dict) and isinstance(m.get("text"), str))
        return error(detail or "Sorry, that didn't work. Please try again.",
                     status if status < 500 else 503)
    messages = reply if isinstance(reply, list) else []
    return json_response({"messages": with_phone_links(messages), "ended": ended})


async def erase(request: web.Request) -> web.Response:
    try:
        data = await read_json(request, '"sender": "..."')
    except BadInput as exc:
        return error(exc.message, exc.status)
    sender = data.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return error('"sender" is missing.')
    try:
        status, _, _ = await _forward(request, "/webhooks/rest/erase", {"sender": sender})
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        logger.error("Erase could not reach the Rasa server (%s).", type(exc).__name__)
        return error("The conversation could not be erased right now.", 503)
    if status >= 400:
        return error("The conversation could not be erased.", 502 if status >= 500 else status)
    return json_response({"status": "erased"})


async def fetch_outbox(request: web.Request) -> web.Response:
    sender = request.query.get("sender", "")
    after = request.query.get("after", "0") or "0"
    wait = request.query.get("wait", "0") or "0"
    if not sender.strip() or len(sender) > 128:
        return error('"sender" is missing.')
    if not after.isdigit() or len(after) > 18:
        return error('"after" must be a whole number.')
    if not wait.isdigit() or int(wait) > 25:
        return error('"wait" must be a whole number of seconds from 0 to 25.')
    url = request.app[RASA_URL].rstrip("/") + "/webhooks/rest/outbox"
    params = {"sender": sender, "after": after, "wait": wait}
    try:
        async with request.app[SESSION].get(url, params=params, timeout=aiohttp.ClientTimeout(
                total=int(wait) + 10)) as upstream:
            try:
                data = await upstream.json(content_type=None)
            except ValueError:
                data = None
            status = upstream.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        logger.error("Outbox: the Rasa server is unreachable (%s).", type(exc).__name__)
        return error("Sorry, we couldn't reach the service.", 503)
    if status >= 400:
        detail = data.get("error") if isinstance(data, dict) else None
        return error(detail or "Messages can't be fetched right now.",
                     status if status < 500 else 503)
    if not isinstance(data, list):
        return error("Messages can't be fetched right now.", 503)
    return json_response({"messages": with_phone_links(data)})


async def typing(request: web.Request) -> web.Response:
    """Typing indicators while an advisor holds the chat (the REST channel's typing flags)."""
    if request.method == "POST":
        try:
            sender = (await read_json(request, '"sender": "..."')).get("sender")
        except BadInput as exc:
            return error(exc.message, exc.status)
    else:
        sender = request.query.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > 128:
        return error('"sender" is missing.')
    url = request.app[RASA_URL].rstrip("/") + "/webhooks/rest/typing"
    try:
        if request.method == "POST":
            call = request.app[SESSION].post(url, json={"sender": sender},
                                             timeout=aiohttp.ClientTimeout(total=10))
        else:
            call = request.app[SESSION].get(url, params={"sender": sender},
                                            timeout=aiohttp.ClientTimeout(total=10))
        async with call as upstream:
            data = await upstream.json(content_type=None) if upstream.status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        data = None
    if not isinstance(data, dict):
        return error("Not available right now.", 503)
    return json_response({"advisor_typing": data.get("advisor_typing") is True})


async def health(_request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: the Rasa server behind the web chat is ready (GET /webhooks/rest/ready)."""
    url = request.app[RASA_URL].rstrip("/") + "/webhooks/rest/ready"
    try:
        async with request.app[SESSION].get(url, timeout=aiohttp.ClientTimeout(total=10)
                                            ) as upstream:
            ok = upstream.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        ok = False
    if ok:
        return json_response({"status": "ready"})
    return json_response({"status": "not ready", "problems": ["the Rasa server"]}, status=503)


def make_app(rasa_url: str) -> web.Application:
    """The aiohttp application; ``rasa_url`` is the Rasa server's base URL."""
    app = web.Application(middlewares=[headers_middleware], client_max_size=PAGE_BODY_BYTES * 4)
    app[RASA_URL] = rasa_url
    app[PAGE] = render_page()

    async def session_context(app: web.Application):  # type: ignore[no-untyped-def]
        timeout = aiohttp.ClientTimeout(total=60)
        # No cap on connections to Rasa: each waiting page holds one long poll open, and
        # aiohttp's default cap (100) would queue people's messages behind them.
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            app[SESSION] = session
            yield

    app.cleanup_ctx.append(session_context)
    app.router.add_get("/", index)
    app.router.add_get("/favicon.svg", favicon)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/healthz", health)
    app.router.add_get("/ready", ready)
    app.router.add_post("/api/message", message)
    app.router.add_post("/api/erase", erase)
    app.router.add_get("/api/outbox", fetch_outbox)
    app.router.add_get("/api/typing", typing)
    app.router.add_post("/api/typing", typing)
    app.router.add_static("/static/", STATIC_DIR, show_index=False, follow_symlinks=False)
    return app


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m helpline.webchat", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    config = settings.get()
    parser.add_argument("--host", default=config.webchat_host)
    parser.add_argument("--port", type=int, default=config.webchat_port)
    parser.add_argument("--rasa-url", default=config.rasa_url)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logs.install()
    print(f"Web chat on http://{args.host}:{args.port} (Rasa at {args.rasa_url})", flush=True)
    web.run_app(make_app(args.rasa_url), host=args.host, port=args.port, access_log=None,
                print=None)


if __name__ == "__main__":
    main()
