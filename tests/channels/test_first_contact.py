"""First contact without races: several messages from a new sender at the same moment.

remember_address used to read, then insert: two threads both found no row, both inserted,
and the loser's IntegrityError made the webhook answer 503. Now an upsert (both dialects).
Unit tests on SQLite and a throwaway PostgreSQL database, then the real stack.
"""
from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest
from sqlalchemy import func, select

from bot.channels import channel_store

from .conftest import ChannelStack
from .test_sms_e2e import cid as sms_cid
from .test_sms_e2e import phone
from .test_telegram_e2e import chat_id, text
from .test_telegram_e2e import cid as telegram_cid

THREADS = 12  # within the engine's pool (5 + 10 overflow)


def together(function: Callable[[int], Any]) -> list[str]:
    """Run function(0..THREADS-1) in threads released at once; the errors' kinds."""
    barrier, errors = threading.Barrier(THREADS), []

    def worker(index: int) -> None:
        barrier.wait()
        try:
            function(index)
        except Exception as error:  # noqa: BLE001 - what the webhook would have met
            errors.append(type(error).__name__)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def count(db_url: str, column: Any, where: Any) -> int:
    with channel_store.engine(db_url).connect() as connection:
        return connection.execute(select(func.count()).select_from(column.table)
                                  .where(where)).scalar()


def test_remember_address_from_many_threads(db_url: str) -> None:
    channel_store.engine(db_url)  # tables created before the race
    errors = []
    for _ in range(5):
        conversation = uuid.uuid4().hex
        errors += together(lambda i, conversation=conversation: channel_store.remember_address(
            conversation, "telegram", str(1000 + i), db_url=db_url))
        assert count(db_url, channel_store.Contact.conversation_id,
                     channel_store.Contact.conversation_id == conversation) == 1
        assert channel_store.address(conversation, db_url=db_url) in {
            str(1000 + i) for i in range(THREADS)}
    assert errors == []
    channel_store.remember_address(conversation, "telegram", "42", db_url=db_url)
    assert channel_store.address(conversation, db_url=db_url) == "42"


def test_remember_messages_from_many_threads(db_url: str) -> None:
    channel_store.engine(db_url)
    conversation = uuid.uuid4().hex
    errors = together(lambda i: channel_store.remember_messages(
        conversation, [1, 2, 3, 10 + i], db_url=db_url))
    assert errors == []
    assert channel_store.deletable_messages(conversation, db_url=db_url) == [
        1, 2, 3, *range(10, 10 + THREADS)]


def test_first_use_from_many_threads(db_url: str) -> None:
    channel_store.engine(db_url)
    results: list[bool] = []
    errors = together(lambda i: results.append(
        channel_store.first_use("key-" + "a" * 60, "request", db_url=db_url)))
    assert errors == [] and results == [True] * THREADS  # a retry, however many copies
    assert not channel_store.first_use("key-" + "a" * 60, "other", db_url=db_url)
    assert channel_store.first_use("key-" + "b" * 60, "other", db_url=db_url)
    old = channel_store.DELIVERY_KEEP_SECONDS + 1
    assert channel_store.first_use("key-" + "a" * 60, "other", db_url=db_url,
                                   now=time.time() + old), "forgotten"


# ------------------------------------------------------------------------- the real stack

def contacts(stack: ChannelStack, conversation: str) -> int:
    with sqlite3.connect(stack.our_db) as connection:
        return connection.execute("SELECT count(*) FROM channel_contacts "
                                  "WHERE conversation_id = ?", (conversation,)).fetchone()[0]


def user_turns(stack: ChannelStack, conversation: str) -> int:
    return sum(1 for row in stack.tracker_rows(conversation) if row[0] == "user")


def parallel(send: Callable[[int], Any], count: int = 8) -> list[int]:
    barrier = threading.Barrier(count)

    def one(index: int) -> int:
        barrier.wait()
        return send(index).status_code

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_parallel_first_sms_are_all_taken(channel_stack: ChannelStack,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    number = phone()
    statuses = parallel(lambda i: channel_stack.sms(number, "hello",
                                                    sid="SM" + uuid.uuid4().hex))
    assert statuses == [200] * 8
    conversation = sms_cid(number, monkeypatch)
    assert contacts(channel_stack, conversation) == 1
    assert user_turns(channel_stack, conversation) == 8


def test_parallel_first_telegram_messages_are_all_taken(
        channel_stack: ChannelStack, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    updates = [text(chat, "hello") for _ in range(8)]
    statuses = parallel(lambda i: channel_stack.telegram(updates[i]))
    assert statuses == [200] * 8
    conversation = telegram_cid(chat, monkeypatch)
    assert contacts(channel_stack, conversation) == 1
    assert user_turns(channel_stack, conversation) == 8
