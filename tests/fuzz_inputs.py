"""Hostile inputs for every public endpoint, generated from a seed (used by tests/test_fuzz.py).

``cases(seed, count)`` returns ``count`` `Case`s, the same list for the same seed: REST
(``/webhooks/rest/*``), the web chat (``/api/*`` and paths), SMS (``/webhooks/sms/webhook``:
unsigned, badly signed, and correctly signed hostile bodies), Telegram
(``/webhooks/telegram/webhook``: without and with the secret header) and the advisor console
(``POST /login`` with hostile forms, ``GET`` with hostile paths and query strings).

A seeded corpus rather than Hypothesis (not installed): the whole list is known before the
first request, so it can be sent concurrently and counted, and a failure is replayed by seed.

Most cases are cheap to refuse (bad JSON, nesting, bad UTF-8, wrong types, bad signatures ...);
about one in eight (``Case.nlu``: 1,247 of 10,000 for seed 12) is a well-formed message with
hostile text that reaches Rasa's NLU, which costs tens of milliseconds a turn. Most texts and
ids carry `MARKER` (it must never appear in a server log) and many `MARKUP` (it must never
come back unescaped). Console cases may hold `CSRF` and `COOKIE` (a Cookie header): the
sender swaps in the login form's token and the cookies that came with it.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any, Callable, NamedTuple
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from tests.channels.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PUBLIC_URL,
    SERVICE_NUMBER,
    TELEGRAM_SECRET,
)

MARKER = "zqfz"
MARKUP = f"<script>{MARKER}()</script>"
CSRF = "__CSRF__"
COOKIE = "__COOKIE__"
REST = "/webhooks/rest/webhook"
SMS = "/webhooks/sms/webhook"
TELEGRAM = "/webhooks/telegram/webhook"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Case(NamedTuple):
    """One request. ``server``: "rasa", "webchat" or "console"; ``expect``: the statuses
    allowed (empty: any status below 500); ``nlu``: a well-formed message Rasa's NLU reads."""

    server: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    kind: str
    nlu: bool = False
    expect: tuple[int, ...] = ()


# ------------------------------------------------------------------------------ hostile values

BAD_UTF8 = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xe2\x82",
            b"\xfe\xff"]
SURROGATES = ["\ud800", "\udfff", "\ud83d", "\ude00", "\udc00\ud800"]


def text(rng: random.Random) -> str:
    """Text a hostile person (or client) might send as a message."""
    pick = rng.randrange(22)
    if pick == 0:
        return f"{MARKUP} help me"
    if pick == 1:
        return f"<img src=x onerror=alert(1)>{MARKUP}"
    if pick == 2:
        return f"hello\x00{MARKER}\x00\x00"
    if pick == 3:
        return f"I need help {rng.choice(SURROGATES)} {MARKER}"
    if pick == 4:
        return f"{MARKER} \U0001F600 \U0001F3F3\ufe0f\u200d\U0001F308 {rng.choice(SURROGATES)}"
    if pick == 5:
        return f"\u202e{MARKER}\u200b\ufeff\u2066 abuse \u2069"
    if pick == 6:
        return MARKER + "".join(chr(rng.randrange(32)) for _ in range(rng.randint(1, 40)))
    if pick == 7:
        return f"%s%s%n {{0}} {{}} ${{jndi:ldap://x/{MARKER}}} %(x)s"
    if pick == 8:
        return f"'; DROP TABLE events; -- {MARKER}"
    if pick == 9:
        return rng.choice(["/greet", "/restart", "/session_start", "///", "/" + MARKER,
                           '/find_service{"place": "' + MARKUP + '"}', "/greet@1.0{{}}",
                           '/affirm{"place": ' + "[" * 30 + "]" * 30 + "}"])
    if pick == 10:
        return MARKER + " " + "a" * rng.randint(4_000, 20_000)
    if pick == 11:
        return f"\uff48\uff45\uff4c\uff50 {MARKER} \u1d34\u1d31\u1d38\u1d3e"
    if pick == 12:
        return f"\n\r\n\t{MARKER}\v\f\r"
    if pick == 13:
        return MARKER + "".join(chr(rng.randrange(0x20, 0x110000)) for _ in range(30))
    if pick == 14:
        return rng.choice(["exit", "set a safety word", f"my safety word is {MARKUP}",
                           f"my safe word is {MARKER}\ud800"])
    if pick == 15:
        return rng.choice(["", " ", "\x00", "\u200b"])
    if pick == 16:
        return f"../../etc/passwd {MARKER} file:///etc/shadow"
    if pick == 17:
        return f"{MARKER} " + "\u0301" * rng.randint(50, 500)
    if pick == 18:
        return f"{{{{7*7}}}} {{% raw %}} {MARKER} ${{7*7}}"
    if pick == 19:
        return f"he hit me {MARKUP} in Tamworth"
    if pick == 20:
        return f"&lt;script&gt; &amp; {MARKUP} &#60;"
    return f"{MARKER} " + " ".join(rng.choice(["help", "he", "hits", "me", "I'm", "scared",
                                                 "in", "Leeds", "17", "<b>", "knife"])
                                   for _ in range(rng.randint(1, 12)))


def nested(rng: random.Random) -> str:
    """A JSON value nested deeper than anything we accept (or deep enough to crash json)."""
    depth = rng.choice([21, 40, 500, 998, 999, 1000, 1001, 3000, 20_000, 100_000])
    if rng.random() < 0.5:
        return "[" * depth + "1" + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def bad_bytes(rng: random.Random) -> bytes:
    """Bytes that are not UTF-8 (each piece is followed by "~", so no two make a character)."""
    return b"".join(rng.choice(BAD_UTF8) + b"~" for _ in range(rng.randint(1, 3)))


def json_bytes(value: Any) -> bytes:
    """JSON as clients send it (lone surrogates escaped as \\ud800)."""
    return json.dumps(value).encode()


# Neither a text nor a whole number (the REST channel takes a number as a sender id).
WRONG_TYPES: list[Any] = [None, True, False, 1.5, 1e309, [], ["x"], {}, {"a": "b"}, [[["x"]]]]


def hostile_object_body(rng: random.Random, fields: dict[str, Any],
                        limit: int) -> tuple[str, bytes]:
    """A body that must be refused with a 4xx: (kind, bytes)."""
    good = json_bytes(fields)
    key = rng.choice(list(fields))
    pick = rng.randrange(12)
    if pick == 0:
        deep = nested(rng)
        where = rng.choice(["top", "field", "extra"])
        if where == "top":
            return "nesting", deep.encode()
        inner = {**fields, key: "@@"} if where == "field" else {**fields, "metadata": "@@"}
        return "nesting", json_bytes(inner).replace(b'"@@"', deep.encode())
    if pick == 1:
        if b'": "' in good:  # inside the first string value
            return "bad utf-8", good.replace(b'": "', b'": "' + bad_bytes(rng), 1)
        return "bad utf-8", good[:-1] + b', "x": "' + bad_bytes(rng) + b'"}'
    if pick == 2:
        return "empty", rng.choice([b"", b" ", b"\r\n\t ", b"\x00"])
    if pick == 3:
        cut = rng.randrange(1, len(good))
        return "malformed", rng.choice([good[:cut], good + b",", b"{" + good, good[:-1] + b",}",
                                        b"NaN", b"{'sender': 'x'}", good.replace(b'"', b"'")])
    if pick == 4:
        return "not an object", rng.choice([b"[]", b"1", b'"text"', b"null", b"true",
                                            b"[" + good + b"]", b"-0", b"1e999"])
    if pick == 5:
        return "wrong type", json_bytes({**fields, key: rng.choice(WRONG_TYPES)})
    if pick == 6:
        return "missing field", json_bytes({k: v for k, v in fields.items() if k != key})
    if pick == 7:
        return "too large", good[:-1] + b', "pad": "' + b"a" * (limit + 10) + b'"}'
    if pick == 8:
        encoding = rng.choice(["utf-16", "utf-32", "utf-16-be"])
        return "utf-16/32", good.decode().encode(encoding)
    if pick == 9:
        return "random bytes", bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
    if pick == 10:
        return "surrogate bytes", good[:-1] + b', "x": "\xed\xa0\x80\xed\xb0\x80"}'
    return "duplicate keys", good[:-1] + b", " + json_bytes({key: rng.choice(WRONG_TYPES)})[1:]


def some_content_type(rng: random.Random) -> dict[str, str]:
    return rng.choice([JSON, JSON, {"Content-Type": "text/plain"}, FORM,
                       {"Content-Type": "application/json; charset=latin-1"},
                       {"Content-Type": "multipart/form-data; boundary=x"},
                       {"Content-Type": MARKUP}, {}])


# ------------------------------------------------------------------------------------ targets

class Gen:
    """Makes cases for one seed; unique ids come from a counter."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n = 0

    def uid(self) -> int:
        self.n += 1
        return self.seed * 10**7 + self.n

    def sender(self) -> Any:
        """A REST sender id that is accepted (hostile, but valid)."""
        n = self.uid()
        return self.rng.choice([f"{MARKER}-{n}", f"{MARKUP}{n}", f"{MARKER}\x00{n}",
                                f"{MARKER}\u202e\U0001F600{n}", n, f" {MARKER}{n} ",
                                f"{MARKER}'\";--{n}"])

    # ---------------------------------------------------------------------------------- REST

    def rest(self) -> Case:
        rng = self.rng
        if rng.random() < 0.12:
            body = json_bytes({"sender": self.sender(), "message": text(rng)})
            return Case("rasa", "POST", REST, some_content_type(rng), body, "rest message",
                        nlu=True)
        pick = rng.randrange(10)
        fields = {"sender": f"{MARKER}-{self.uid()}", "message": text(rng)}
        if pick == 0:
            sender = rng.choice([f"{MARKER}{rng.choice(SURROGATES)}", "", "   ",
                                 MARKER * 40, [MARKER], {"id": MARKER}, True, None, 1.5])
            return Case("rasa", "POST", REST, JSON, json_bytes({**fields, "sender": sender}),
                        "rest bad sender", expect=(400,))
        if pick == 1:
            query = rng.choice([
                {"sender": f"{MARKER}{self.uid()}", "wait": "0"},
                {"sender": MARKUP, "after": "-1"}, {"sender": MARKER, "wait": "nan"},
                {"sender": MARKER, "wait": "1e309"}, {"after": "9" * 30},
                {"sender": MARKER, "wait": "26"}, {"sender": "x" * 200}, {}])
            raw = rng.choice(["", "&sender=%ED%A0%80", "&sender=%ZZ", "&sender=%00",
                              "&sender=%F0%9F%98"])
            return Case("rasa", "GET", "/webhooks/rest/outbox?" + urlencode(query) + raw, {},
                        b"", "rest outbox query")
        if pick == 2:
            kind, body = hostile_object_body(rng, {"sender": fields["sender"]}, 256 * 1024)
            return Case("rasa", "POST", "/webhooks/rest/erase", some_content_type(rng), body,
                        "rest erase " + kind, expect=(400, 413))
        if pick == 3:
            path = rng.choice(["/webhooks/rest/" + MARKUP, "/webhooks/rest/webhook/../../x",
                               "/webhooks/%ED%A0%80", "/webhooks/rest/webhook?x=" + MARKUP,
                               "/" + "a" * 3000, "/webhooks/rest/%00", "/webhooks/rest/typing",
                               "/webhooks/rest/typing?sender=" + MARKUP])
            return Case("rasa", rng.choice(["GET", "POST", "PUT", "DELETE"]), path, {}, b"",
                        "rasa path")
        kind, body = hostile_object_body(rng, fields, 256 * 1024)
        return Case("rasa", "POST", REST, some_content_type(rng), body, "rest " + kind,
                    expect=(400, 413))

    # ------------------------------------------------------------------------------ web chat

    def webchat(self) -> Case:
        rng = self.rng
        if rng.random() < 0.1:
            message = text(rng)
            if not message.strip():
                message += MARKER
            body = json_bytes({"sender": f"{MARKER}{rng.choice(['', MARKUP])}-{self.uid()}",
                               "message": message})
            return Case("webchat", "POST", "/api/message", some_content_type(rng), body,
                        "webchat message", nlu=True)
        pick = rng.randrange(10)
        fields = {"sender": f"{MARKER}-{self.uid()}", "message": text(rng) + MARKER}
        if pick == 0:
            sender = rng.choice([f"{MARKER}{rng.choice(SURROGATES)}", MARKER * 40, [MARKER]])
            return Case("webchat", "POST", "/api/message", JSON,
                        json_bytes({**fields, "sender": sender}), "webchat bad sender",
                        expect=(400, 413))
        if pick == 1:
            kind, body = hostile_object_body(rng, {"sender": fields["sender"]}, 16 * 1024)
            return Case("webchat", "POST", "/api/erase", some_content_type(rng), body,
                        "webchat erase " + kind, expect=(400, 413))
        if pick == 2:
            query = rng.choice([
                {"sender": f"{MARKER}{self.uid()}", "wait": "0"}, {"sender": MARKUP},
                {"sender": MARKER, "after": "-1"}, {"sender": MARKER, "wait": "99"},
                {"sender": MARKER, "wait": "1.5"}, {"sender": "x" * 200}, {}])
            raw = rng.choice(["", "&sender=%ED%A0%80", "&sender=%ZZ", "&after=%00",
                              "&sender=%F0%9F%98", "&wait=%EF%BC%91"])
            return Case("webchat", "GET", "/api/outbox?" + urlencode(query) + raw, {}, b"",
                        "webchat outbox query")
        if pick == 3:
            path = rng.choice(["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                               "/static/..%2f..%2fhelpline%2fsettings.py", "/" + MARKUP,
                               "/?q=" + MARKUP, "/%00", "/static/" + MARKUP, "/" + "a" * 5000,
                               "/api/message", "/static/%ED%A0%80", "/favicon.ico?" + MARKUP,
                               "/api/typing", "/api/typing?sender=" + MARKUP])
            return Case("webchat", rng.choice(["GET", "GET", "POST", "PUT"]), path, {}, b"",
                        "webchat path")
        kind, body = hostile_object_body(rng, fields, 16 * 1024)
        return Case("webchat", "POST", "/api/message", some_content_type(rng), body,
                    "webchat " + kind, expect=(400, 413))

    # ----------------------------------------------------------------------------------- SMS

    def sms_fields(self, body: str) -> dict[str, str]:
        return {"MessageSid": f"SM{MARKER}{self.uid():028d}", "AccountSid": ACCOUNT_SID,
                "From": f"+4477{self.uid() % 10**8:08d}", "To": SERVICE_NUMBER, "Body": body,
                "NumMedia": "0"}

    def sms(self) -> Case:
        rng = self.rng
        clean = text(rng).encode("utf-8", "replace").decode()  # a form body is UTF-8
        fields = self.sms_fields(clean)
        if rng.random() < 0.15:
            return self.signed(fields, "sms message", nlu=bool(clean.replace("\x00", "").strip()))
        pick = rng.randrange(9)
        if pick == 0:
            return Case("rasa", "POST", SMS, FORM, urlencode(fields).encode(), "sms unsigned",
                        expect=(403,))
        if pick == 1:
            signature = rng.choice([
                "", "x", MARKUP, RequestValidator("wrong").compute_signature(
                    PUBLIC_URL + SMS, fields),
                RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + "/other", fields),
                RequestValidator(AUTH_TOKEN).compute_signature(
                    PUBLIC_URL + SMS, {**fields, "Body": "other"})])
            headers = {**FORM, "X-Twilio-Signature": signature}
            return Case("rasa", "POST", SMS, headers, urlencode(fields).encode(),
                        "sms bad signature", expect=(403,))
        if pick == 2:
            raw = urlencode(fields).encode().replace(b"Body=", b"Body=" + bad_bytes(rng), 1)
            return self.signed_raw(raw, {}, "sms bad utf-8", expect=(400,))
        if pick == 3:
            raw = urlencode(fields).encode() + rng.choice(
                [b"&Body=%ZZ", b"&&==&&", b"&%ED%A0%80=1", b"&Body=%FF%FE", b"&x"])
            return self.signed_raw(raw, {}, "sms malformed form", expect=(400, 403))
        if pick == 4:
            raw = urlencode({**fields, "Body": "a" * 70_000}).encode()
            return self.signed_raw(raw, fields, "sms too large", expect=(413,))
        if pick == 5:
            return self.signed_raw(urlencode(fields).encode(), fields, "sms content type",
                                   headers=rng.choice([JSON, {"Content-Type": "text/plain"},
                                                       {"Content-Type": MARKUP}, {}]),
                                   expect=(415,))
        if pick == 6:
            key = rng.choice(["From", "MessageSid"])
            value = rng.choice(["", " ", "9" * 80, MARKUP * 5])
            return self.signed({**fields, key: value}, "sms bad sender", expect=(400,))
        if pick == 7:
            return self.signed({**fields, "From": f"{MARKUP}{self.uid()}"}, "sms odd sender",
                               nlu=bool(clean.replace("\x00", "").strip()))
        return self.signed({**fields, "Body": rng.choice(["", "HELP", "STOP", "\x00", "MORE"])},
                           "sms command")

    def signed(self, fields: dict[str, str], kind: str, nlu: bool = False,
               expect: tuple[int, ...] = ()) -> Case:
        return self.signed_raw(urlencode(fields).encode(), fields, kind, nlu=nlu, expect=expect)

    def signed_raw(self, body: bytes, fields: dict[str, str], kind: str, nlu: bool = False,
                   headers: dict[str, str] | None = None,
                   expect: tuple[int, ...] = ()) -> Case:
        """Signed with the right token for the fields the server will read from ``body``."""
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + SMS, fields)
        headers = {**(FORM if headers is None else headers), "X-Twilio-Signature": signature}
        return Case("rasa", "POST", SMS, headers, body, kind, nlu=nlu, expect=expect)

    # ------------------------------------------------------------------------------ Telegram

    def telegram_update(self, message: dict[str, Any] | None = None,
                        kind: str = "message") -> dict[str, Any]:
        chat = self.rng.randrange(10**9, 9 * 10**9)
        body = {"message_id": self.uid() % 10**9, "date": 1_700_000_000,
                "chat": {"id": chat, "type": "private", "first_name": MARKUP},
                "from": {"id": chat, "is_bot": False, "first_name": MARKUP},
                **(message or {})}
        return {"update_id": self.uid(), kind: body}

    def telegram(self) -> Case:
        rng = self.rng
        secret = {**JSON, "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        if rng.random() < 0.15:
            words = text(rng)
            if rng.random() < 0.2:
                update = self.telegram_update()
                update["callback_query"] = {"id": str(self.uid()), "from": update["message"]
                                            ["from"], "chat_instance": "1", "data": words,
                                            "message": update.pop("message")}
            else:
                update = self.telegram_update({"text": words})
            return Case("rasa", "POST", TELEGRAM, secret, json_bytes(update),
                        "telegram message", nlu=bool(words.strip()))
        pick = rng.randrange(9)
        update = self.telegram_update({"text": text(rng)})
        if pick == 0:
            headers = rng.choice([JSON, {**JSON, "X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                  {**JSON, "X-Telegram-Bot-Api-Secret-Token": MARKUP},
                                  {**JSON, "X-Telegram-Bot-Api-Secret-Token": ""}])
            return Case("rasa", "POST", TELEGRAM, headers, json_bytes(update),
                        "telegram no secret", expect=(403,))
        if pick == 1:
            headers = {**rng.choice([{"Content-Type": "text/plain"}, FORM, {}]),
                       "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
            return Case("rasa", "POST", TELEGRAM, headers, json_bytes(update),
                        "telegram content type", expect=(400, 415))
        if pick in (2, 3, 4):
            kind, body = hostile_object_body(rng, update, 64 * 1024)
            return Case("rasa", "POST", TELEGRAM, secret, body, "telegram " + kind)
        if pick == 5:
            return Case("rasa", "POST", TELEGRAM, secret,
                        json_bytes({**update, "update_id": rng.choice(
                            [None, "1", True, 1.5, -1, 2**70, [1], MARKUP])}),
                        "telegram update_id")
        if pick == 6:
            message = rng.choice([[], "text", 5, None, {}, {"chat": MARKUP},
                                  {"text": ["x"], "chat": {"id": 1, "type": "private"}},
                                  {"message_id": "x", "date": "x", "chat": []}])
            return Case("rasa", "POST", TELEGRAM, secret,
                        json_bytes({"update_id": self.uid(), "message": message}),
                        "telegram bad message")
        if pick == 7:
            update["message"]["chat"]["type"] = rng.choice(["group", "channel", MARKUP, None])
            return Case("rasa", "POST", TELEGRAM, secret, json_bytes(update),
                        "telegram chat type")
        kind = rng.choice(["edited_message", "channel_post", "poll", MARKUP])
        update[kind] = update.pop("message")
        return Case("rasa", "POST", TELEGRAM, secret, json_bytes(update), "telegram other update")

    # ------------------------------------------------------------------------------- console

    def console(self) -> Case:
        rng = self.rng
        pick = rng.randrange(8)
        if pick <= 3:
            form = {"csrf": rng.choice([CSRF, "", MARKUP, "x" * 100]),
                    "username": rng.choice([MARKUP, f"{MARKER}\x00", "ann", "a" * 500, ""]),
                    "password": rng.choice([MARKUP, "\x00", "p" * 2000, ""])}
            if rng.random() < 0.9 and form["csrf"] == CSRF:
                form["csrf"] = ""  # few real login attempts: each one hashes a password
            body = urlencode(form).encode()
            variant = rng.randrange(6)
            if variant == 1:
                body += rng.choice([b"&username=%ED%A0%80", b"&username=%ZZ", b"&%FF=1",
                                    b"&password=\xff\xfe", b"&&==", b"&csrf=%00"])
            elif variant == 2:
                body += b"&pad=" + b"a" * 70_000
            headers = dict(rng.choice([FORM, FORM, JSON, {"Content-Type": "text/plain"},
                                       {"Content-Type": "multipart/form-data; boundary=zz"},
                                       {"Content-Type": "multipart/form-data"}, {}]))
            if variant == 3:
                body = nested(rng).encode()
            elif variant == 4:
                body = (b"--zz\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n"
                        + MARKUP.encode() + rng.choice([b"\r\n--zz--\r\n", b"", b"\r\n--zz"]))
            if rng.random() < 0.5:
                headers["Cookie"] = COOKIE
            if rng.random() < 0.1:
                headers["Origin"] = rng.choice(["https://evil.example", MARKUP, "null"])
            return Case("console", "POST", "/login", headers, body, "console login")
        if pick == 4:
            query = urlencode(rng.choice([{"next": MARKUP}, {"q": MARKUP * 3}, {"x": "\x00"},
                                          {"a": "b" * 7000}]))  # aiohttp's limit: 8190
            raw = rng.choice(["", "&%ED%A0%80=1", "&q=%ZZ", "&q=%FF", "&" * 50])
            path = rng.choice(["/login", "/", "/api/directory", "/api/queue", "/ready", "/records",
                               "/records.csv", "/c/1/close", "/stats", "/stats.csv",
                               "/callbacks/1", "/canned", "/api/canned", "/events/c/1/notes"])
            return Case("console", "GET", f"{path}?{query}{raw}",
                        {"Cookie": COOKIE}, b"", "console query")
        if pick == 5:
            path = rng.choice(["/c/abc", "/c/0", "/c/99999999999999", "/c/-1",
                               "/api/c/1/transcript", "/events/c/1", "/supervisor",
                               "/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                               "/" + MARKUP, "/%00", "/static/" + MARKUP, "/" + "a" * 5000,
                               "/login/../login", "/static/console.js?" + MARKUP])
            return Case("console", "GET", path, {}, b"", "console path")
        cookie = rng.choice([COOKIE, f"helpline_console={MARKUP}", f"helpline_login={MARKUP}",
                             "helpline_console=" + "a" * 5000, "helpline_console=%ED%A0%80",
                             "=;;;==", ""])
        path = rng.choice(["/api/c/1/reply", "/api/c/1/claim", "/logout", "/api/c/1/close",
                           "/api/c/1/release", "/api/c/1/typing", "/api/me/name", "/api/shift",
                           "/records/1/dealt-with", "/api/c/1/transfer", "/api/c/1/whisper",
                           "/api/c/1/take-over", "/callbacks/1/take", "/callbacks/1/number",
                           "/callbacks/1/attempted", "/callbacks/1/done", "/callbacks/1/release",
                           "/canned", "/canned/1", "/canned/1/delete", "/handover"])
        body = rng.choice([json_bytes({"text": MARKUP}), nested(rng).encode(), b"\xff\xfe"])
        return Case("console", "POST", path, {**JSON, "Cookie": cookie,
                                              "X-CSRF-Token": rng.choice([CSRF, MARKUP, ""])},
                    body, "console api")


TARGETS: dict[str, tuple[float, Callable[[Gen], Case]]] = {
    "rest": (0.34, Gen.rest),
    "webchat": (0.2, Gen.webchat),
    "sms": (0.16, Gen.sms),
    "telegram": (0.16, Gen.telegram),
    "console": (0.14, Gen.console),
}


def cases(seed: int = 12, count: int = 10_000) -> list[Case]:
    """``count`` hostile requests across every endpoint, the same for the same seed."""
    gen = Gen(seed)
    names = list(TARGETS)
    weights = [TARGETS[name][0] for name in names]
    return [TARGETS[name][1](gen) for name in gen.rng.choices(names, weights, k=count)]


def counts(generated: list[Case]) -> Counter:
    """How many cases of each kind, and how many reach NLU (for reports)."""
    tally = Counter(case.kind for case in generated)
    tally["(reach NLU)"] = sum(case.nlu for case in generated)
    return tally


if __name__ == "__main__":
    generated = cases()
    for kind, number in sorted(counts(generated).items()):
        print(f"{number:6d}  {kind}")
    print(f"{len(generated):6d}  in all")
