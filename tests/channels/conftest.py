"""A real bot with the SMS and Telegram channels, talking to a fake Twilio/Telegram API.

Rasa and the action server run as real processes on loopback, with their own SQLite
databases and log files; Twilio's and Telegram's APIs are a recording fake (fake_api.py).
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from twilio.request_validator import RequestValidator

from helpline.run import Stack
from tests.conftest import StackFiles, ensure_model
from tests.handoff.conftest import Console
from tests.helpers import free_port

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
class ChannelStack(StackFiles):
    dir: Path
    rasa_url: str
    api: FakeApi
    env: dict[str, str]  # the settings the processes were given

    def send_as_advisor(self, conversation_id: str, action: str = "utter_danger") -> None:
        """Run a bot response outside any incoming message, as an advisor reply is sent:
        Rasa's HTTP API with output_channel=latest."""
        reply = requests.post(f"{self.rasa_url}/conversations/{conversation_id}/execute",
                              params={"output_channel": "latest"}, json={"name": action},
                              timeout=60)
        assert reply.status_code == 200, reply.text

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
    yield from start_channel_stack(base, f"sqlite:///{base / 'tracker.db'}",
                                   f"sqlite:///{base / 'helpline.db'}")


def start_channel_stack(base: Path, tracker_url: str, db_url: str) -> Iterator[ChannelStack]:
    """Rasa and the action server in `base`, with the channels pointed at a fake API."""
    ensure_model()  # trains once if `make train` has not
    api = FakeApi()
    (base / "credentials.yml").write_text(
        "bot.channels.rest.HelplineRestInput:\n"
        "bot.channels.sms.TwilioSmsInput:\n"
        "bot.channels.telegram.TelegramInput:\n")
    env = {
        "HELPLINE_DATA_DIR": str(base),
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
    }
    stack = Stack(rasa_port=free_port(), action_port=free_port(), tracker_url=tracker_url,
                  db_url=db_url, log_dir=base, lock_url="",
                  credentials=base / "credentials.yml", isolated=True, extra_env=env)
    try:
        stack.start_actions()
        stack.start_rasa()
        stack.wait_ready(600)
        yield ChannelStack(dir=base, rasa_url=stack.rasa_url, api=api, env=env)
    finally:
        stack.stop()
        api.close()


@pytest.fixture(scope="session")
def channel_console(channel_stack: ChannelStack) -> Iterator[Console]:
    """A real advisor console on the channel stack's database, talking to its Rasa server;
    each test module adds the advisor it signs in as."""
    server = Console(f"sqlite:///{channel_stack.our_db}", channel_stack.rasa_url,
                     channel_stack.dir / "console.log")
    try:
        server.wait()
        yield server
    finally:
        server.stop()
