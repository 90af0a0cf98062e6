"""Database unreachable: every channel answers clearly with an error status, takes nothing,
and handles the sender's retry once the database is back.

A real stack on a throwaway PostgreSQL database (tracker store and our tables). "Down" is
PostgreSQL refusing connections to that database and ending the open ones.
"""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.channels.common import UNAVAILABLE_REPLY
from helpline import privacy

from .conftest import ID_SECRET, ChannelStack, start_channel_stack
from .test_sms_e2e import phone
from .test_telegram_e2e import chat_id
from .test_telegram_e2e import text as telegram_text

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin(sql: str) -> None:
    engine = create_engine(f"{SERVER}/test", isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


class Database:
    def __init__(self, name: str) -> None:
        self.name = name

    def down(self) -> None:
        _admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        _admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
               f"WHERE datname = '{self.name}'")

    def up(self) -> None:
        _admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')

    def user_texts(self, conversation_id: str) -> list[str]:
        import json

        engine = create_engine(f"{SERVER}/{self.name}", future=True)
        try:
            with engine.connect() as connection:
                rows = connection.execute(text(
                    "SELECT data FROM events WHERE sender_id = :id AND type_name = 'user' "
                    "ORDER BY id"), {"id": conversation_id}).scalars().all()
        finally:
            engine.dispose()
        return [json.loads(row)["text"] for row in rows]


@pytest.fixture(scope="module")
def database() -> Iterator[Database]:
    name = f"helpline_down_{uuid.uuid4().hex[:8]}"
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is needed at {SERVER} (.ci/run starts it): {error}")
    yield Database(name)
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def stack(database: Database, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[ChannelStack]:
    url = f"{SERVER}/{database.name}"
    yield from start_channel_stack(tmp_path_factory.mktemp("database-down"), url, url)


def test_every_channel_refuses_clearly_then_takes_the_retry(
        stack: ChannelStack, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_ID_SECRET", ID_SECRET)
    rest = f"{stack.rasa_url}/webhooks/rest/webhook"
    ready = f"{stack.rasa_url}/webhooks/rest/ready"
    assert requests.get(ready, timeout=30).json() == {"status": "ready", "problems": []}
    assert requests.post(rest, json={"sender": "before", "message": "hello"},
                         timeout=60).status_code == 200
    number, chat = phone(), chat_id()
    sms_sid = "SM" + uuid.uuid4().hex
    update = telegram_text(chat, "what is coercive control")

    database.down()
    try:
        not_ready = requests.get(ready, timeout=30)
        assert not_ready.status_code == 503
        assert [p.split(" (")[0] for p in not_ready.json()["problems"]] == [
            "the tracker store is unreachable", "our database is unreachable"]
        reply = requests.post(rest, json={"sender": "during", "message": "is this abuse"},
                              timeout=60)
        assert reply.status_code == 503
        assert reply.json() == [{"recipient_id": "during", "text": UNAVAILABLE_REPLY}]
        assert "999" in UNAVAILABLE_REPLY and "0808 2000 247" in UNAVAILABLE_REPLY

        assert stack.sms(number, "is this abuse", sid=sms_sid).status_code == 503
        told = stack.api.sms_to(number)
        assert len(told) == 1 and "technical problem" in told[0] and "999" in told[0]

        assert stack.telegram(update).status_code == 503
        assert any("technical problem" in t for t in stack.api.texts_to_chat(chat))
    finally:
        database.up()

    assert requests.get(ready, timeout=30).status_code == 200
    # The senders retry the same deliveries: each is taken once, and answered.
    assert requests.post(rest, json={"sender": "during", "message": "is this abuse"},
                         timeout=60).status_code == 200
    assert stack.sms(number, "is this abuse", sid=sms_sid).status_code == 200
    assert len(stack.api.sms_to(number)) == 2
    assert stack.sms(number, "is this abuse", sid=sms_sid).status_code == 200  # duplicate
    assert len(stack.api.sms_to(number)) == 2
    assert stack.telegram(update).status_code == 200
    assert stack.telegram(update).status_code == 200  # duplicate

    assert database.user_texts(privacy.pseudonymise("sms", number)) == ["is this abuse"]
    assert database.user_texts(privacy.pseudonymise("telegram", str(chat))) == [
        "what is coercive control"]
    assert database.user_texts(privacy.pseudonymise("rest", "during")) == ["is this abuse"]
    assert "traceback" not in stack.logs().lower()
