"""Demand counts end to end: scripted conversations over REST and SMS into the real bot give
exactly the expected counts, hold no id or text, and survive erasure."""
from __future__ import annotations

import sqlite3
import time
from collections import Counter

import requests

from helpline import stats
from tests.helpers import wait_for

from .conftest import ChannelStack
from .test_sms_e2e import phone


def counts(stack: ChannelStack) -> Counter:
    with sqlite3.connect(stack.our_db) as connection:
        try:
            rows = connection.execute(
                "SELECT area, measure, value, count FROM demand_counts").fetchall()
        except sqlite3.OperationalError:  # nothing counted yet: no table
            return Counter()
    return Counter({(area, measure, value): n for area, measure, value, n in rows})


def rest(stack: ChannelStack, sender: str, text: str) -> str:
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200
    return " ".join(m.get("text", "") for m in reply.json())


def test_scripted_conversations_give_exactly_the_expected_counts(
        channel_stack: ChannelStack) -> None:
    # Counts of earlier tests' answers reach the database within FLUSH_SECONDS of being made
    # (each process writes its batch on that period), so after it the table is settled.
    time.sleep(stats.FLUSH_SECONDS + 1)
    before = counts(channel_stack)
    answer = rest(channel_stack, "stats-1", "im in tamworth and my husband hits me")
    assert "Pathway Project" in answer
    rest(channel_stack, "stats-2", "I live in Glasgow and need help")
    number = phone()
    channel_stack.sms(number, "my boyfriend takes all my money and i'm in crewe")
    channel_stack.sms(number, "set a safety word")
    channel_stack.sms(number, "Bluebell Tango")
    channel_stack.sms(number, "bluebell tango")  # erases the conversation

    # Each process writes its counts every few seconds (helpline.stats.FLUSH_SECONDS).
    def all_written() -> Counter:
        added = counts(channel_stack) - before
        sms = sum(n for (_a, m, v), n in added.items() if (m, v) == ("channel", "sms"))
        word = sum(n for (_a, m, v), n in added.items() if (m, v) == ("safety", "safety_word"))
        return added if sms and word else Counter()

    added = wait_for(all_written, timeout=30)
    by_measure: Counter = Counter()
    for (_area, measure, value), n in added.items():
        by_measure[measure, value] += n
    assert by_measure["who", "victim"] == 2
    assert by_measure["channel", "web_chat"] == 2 and by_measure["channel", "sms"] == 1
    assert by_measure["hours", "in"] + by_measure["hours", "out"] == 3
    assert by_measure["danger", "no"] == 2
    assert by_measure["circumstance", "money"] == 1
    assert by_measure["place_outside", "Glasgow"] == 1
    assert by_measure["safety", "safety_word"] == 1
    assert added["tamworth", "who", "victim"] == 1
    assert added["cheshire-east", "circumstance", "money"] == 1
    assert added["outside", "place_outside", "Glasgow"] == 1
    assert any(area == "tamworth" and measure == "service" for area, measure, _ in added)
    # The erased conversation's counts stay; nothing in the table names it or quotes it.
    with sqlite3.connect(channel_stack.our_db) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(demand_counts)")]
        dump = " ".join(str(v) for row in connection.execute("SELECT * FROM demand_counts")
                        for v in row)
    assert columns == ["day", "area", "measure", "value", "count"]
    assert number not in dump and "stats-1" not in dump and "husband" not in dump
