"""A real bot with the SMS and Telegram channels, talking to a fake Twilio/Telegram API.

Rasa and the action server run as real processes on loopback, with their own SQLite
databases and log files; Twilio's and Telegram's APIs are a recording fake (fake_api.py).
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.conftest import ensure_model
import requests
from twilio.request_validator import RequestValidator

from tests.safety.stack import BIN, MODEL, ROOT, TRACKER_STORE, free_port, wait_http

from .fake_api import FakeApi

AUTH_TOKEN = "test-twilio-auth-token-0123456789ab"
ACCOUNT_SID = "AC" + "0" * 32
SERVICE_NUMBER = "+447700900000"
PUBLIC_URL = "https://helpline.example.org"  # as if behind a proxy
BOT_TOKEN = "123456:TEST-telegram-token"
TELEGRAM_SECRET = "test-telegram-secret_0123"
ID_SECRET = "test-secret-for-the-channel-tests"
NEUTRAL_REPLY = "Your parcel is on its way."
USED_IDS: list[str] = []  # phone numbers and chat ids the tests used (for the log check)


@dataclass
class ChannelStack:
    dir: Path
    rasa_url: str
    api: FakeApi
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def tracker_db(self) -> Path:
        return self.dir / "tracker.db"

    @property
    def our_db(self) -> Path:
        return self.dir / "helpline.db"

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.dir.glob("*.log")))

    def tracker_rows(self, conversation_id: str) -> list[tuple]:
        with sqlite3.connect(self.tracker_db) as connection:
            return connection.execute("SELECT type_name, data FROM events WHERE sender_id = ?",
                                      (conversation_id,)).fetchall()

    def our_rows(self, table: str, conversation_id: str) -> list[tuple]:
        with sqlite3.connect(self.our_db) as connection:
            return connection.execute(f'SELECT * FROM "{table}" WHERE conversation_id = ?',
                                      (conversation_id,)).fetchall()

    def db_bytes(self) -> bytes:
        return b"".join(p.read_bytes() for p in self.dir.glob("*.db*"))

    # ------------------------------------------------------------------------------- SMS

    @property
    def sms_url(self) -> str:
        return f"{self.rasa_url}/webhooks/sms/webhook"

    def sign(self, fields: dict[str, str], token: str = AUTH_TOKEN) -> str:
        return RequestValidator(token).compute_signature(
            f"{PUBLIC_URL}/webhooks/sms/webhook", fields)

    def sms(self, sender: str, body: str, sid: str | None = None,
            **extra: str) -> requests.Response:
        """POST a correctly signed Twilio webhook for an incoming SMS."""
        fields = {"MessageSid": sid or f"SM{time.time_ns():032d}"[:34], "AccountSid": ACCOUNT_SID,
                  "From": sender, "To": SERVICE_NUMBER, "Body": body, "NumMedia": "0", **extra}
        return requests.post(self.sms_url, data=fields,
                             headers={"X-Twilio-Signature": self.sign(fields)}, timeout=60)

    # -------------------------------------------------------------------------- Telegram

    @property
    def telegram_url(self) -> str:
        return f"{self.rasa_url}/webhooks/telegram/webhook"

    def telegram(self, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET
                 ) -> requests.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return requests.post(self.telegram_url, json=update, headers=headers, timeout=60)


@pytest.fixture(scope="session")
def channel_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelStack]:
    base = tmp_path_factory.mktemp("channel-stack")
    yield from start_channel_stack(
        base, f"  dialect: sqlite\n  db: {base / 'tracker.db'}\n",
        f"sqlite:///{base / 'helpline.db'}")


def start_channel_stack(base: Path, tracker_store: str, db_url: str) -> Iterator[ChannelStack]:
    """The stack in `base`: `tracker_store` is the endpoints.yml keys after `type`."""
    ensure_model()  # trains once if `make train` has not
    api = FakeApi()
    rasa_port, action_port = free_port(), free_port()
    (base / "credentials.yml").write_text(
        "bot.channels.rest.HelplineRestInput:\n"
        "bot.channels.sms.TwilioSmsInput:\n"
        "bot.channels.telegram.TelegramInput:\n")
    (base / "endpoints.yml").write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: {TRACKER_STORE}\n{tracker_store}")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HELPLINE_", "TWILIO_", "TELEGRAM_")) and key != "LOG_LEVEL"}
    env.update({
        "HELPLINE_DATA_DIR": str(base),
        "HELPLINE_DB_URL": db_url,
        "HELPLINE_TRACKER_DB_URL": f"sqlite:///{base / 'decoy-tracker.db'}",
        "HELPLINE_ID_SECRET": ID_SECRET,
        "HELPLINE_NEUTRAL_REPLY": NEUTRAL_REPLY,
        "HELPLINE_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": SERVICE_NUMBER,
        "TWILIO_API_BASE": api.url,
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE": f"{api.url}/bot",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
    })
    stack = ChannelStack(dir=base, rasa_url=f"http://127.0.0.1:{rasa_port}", api=api, env=env)

    def spawn(name: str, args: list[str]) -> None:
        log = open(base / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        stack.processes.append(subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))

    spawn("actions", [str(BIN / "rasa"), "run", "actions", "--actions", "bot.actions",
                      "--port", str(action_port)])
    spawn("rasa", [str(BIN / "rasa"), "run", "--enable-api", "--model", str(MODEL),
                   "--endpoints", str(base / "endpoints.yml"),
                   "--credentials", str(base / "credentials.yml"),
                   "--interface", "127.0.0.1", "--port", str(rasa_port)])
    try:
        wait_http(f"{stack.rasa_url}/status", stack.processes, 600, base)
        yield stack
    finally:
        for process in stack.processes:
            if process.poll() is None:
                process.terminate()
        for process in stack.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        api.close()


def wait_for(check: Callable[[], Any], timeout: float = 10) -> Any:
    """Poll until check() is truthy (replies are sent before the webhook answers, mostly)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)
