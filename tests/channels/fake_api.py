"""A loopback stand-in for Twilio's and Telegram's HTTP APIs that records every request."""
from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Call:
    """One request the fake API received."""

    path: str
    headers: dict[str, str]
    fields: dict[str, Any]

    @property
    def method(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class FakeApi:
    """Twilio: POST /2010-04-01/Accounts/<sid>/Messages.json. Telegram: /bot<token>/<method>."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # served once by getUpdates
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    fields = json.loads(raw or "{}")
                else:
                    fields = {}
                    for key, value in parse_qsl(raw, keep_blank_values=True):
                        try:
                            fields[key] = json.loads(value)
                        except ValueError:
                            fields[key] = value
                call = Call(self.path.split("?")[0], dict(self.headers), fields)
                with fake._lock:
                    fake.calls.append(call)
                status, body = fake.answer(call)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, call: Call) -> tuple[int, Any]:
        if call.path.endswith("/Messages.json"):
            sid = f"SM{next(self._ids):032d}"
            return 201, {"sid": sid, "status": "queued", "to": call.fields.get("To"),
                         "from": call.fields.get("From"), "body": call.fields.get("Body"),
                         "account_sid": call.path.split("/")[3], "num_segments": "1"}
        method = call.method
        if method == "sendMessage":
            return 200, {"ok": True, "result": {
                "message_id": next(self._ids), "date": int(time.time()),
                "chat": {"id": int(call.fields["chat_id"]), "type": "private"},
                "text": call.fields.get("text", "")}}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Bot",
                                                "username": "helpline_test_bot"}}
        if method == "getUpdates":
            with self._lock:
                updates, self.updates = self.updates, []
            if not updates:
                time.sleep(0.2)
            return 200, {"ok": True, "result": updates}
        return 200, {"ok": True, "result": True}

    # ------------------------------------------------------------------------------- queries

    def sms_to(self, number: str) -> list[str]:
        """Bodies of the SMS sent to a number, in order."""
        return [c.fields["Body"] for c in list(self.calls)
                if c.path.endswith("/Messages.json") and c.fields.get("To") == number]

    def telegram(self, method: str, chat_id: int) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method
                and str(c.fields.get("chat_id")) == str(chat_id)]

    def texts_to_chat(self, chat_id: int) -> list[str]:
        return [c.fields.get("text", "") for c in self.telegram("sendMessage", chat_id)]

    def close(self) -> None:
        self.server.shutdown()
