"""The production topology for real: 2 Rasa servers behind nginx on PostgreSQL + Redis.

The tests run in file order on one topology: load, erasure, a crash under load, then the
action server stopped.
"""
from __future__ import annotations

import threading
import time

import requests
from sqlalchemy import create_engine, inspect, text

from deploy.topology import Topology
from helpline import privacy
from tests.production.load import check_tracker, run_load, tracker_events

CONVERSATIONS = 50
TURNS = 20


def _check_all(topology: Topology, conversations: list) -> list[str]:
    problems = []
    for conversation in conversations:
        events = tracker_events(topology.api_url, conversation.conversation_id)
        problems += [f"{conversation.sender}: {p}"
                     for p in check_tracker(events, conversation)]
    return problems


def test_every_process_is_healthy(topology: Topology) -> None:
    for url in [f"{topology.url}/nginx-health", f"{topology.url}/webhooks/rest/",
                f"{topology.api_url}/",
                *(f"{topology.rasa_url(i)}/status" for i in range(2)),
                f"http://127.0.0.1:{topology.action_port}/health",
                f"http://127.0.0.1:{topology.console_port}/login"]:
        assert requests.get(url, timeout=10).status_code == 200, url
    for url in [*(f"{topology.rasa_url(i)}/webhooks/rest/ready" for i in range(2)),
                f"http://127.0.0.1:{topology.console_port}/ready"]:
        reply = requests.get(url, timeout=10)
        assert (reply.status_code, reply.json()["status"]) == (200, "ready"), url


def test_public_nginx_serves_only_webhooks(topology: Topology) -> None:
    """Rasa's HTTP API (trackers, sending as the bot) is not on the public listener."""
    assert requests.get(f"{topology.url}/status", timeout=10).status_code == 404
    assert requests.get(f"{topology.url}/conversations/x/tracker",
                        timeout=10).status_code == 404


def test_nginx_spreads_one_conversation_over_both_servers(topology: Topology) -> None:
    """Round-robin without sticky sessions: one conversation's messages reach both servers."""
    upstreams = set()
    for turn in range(6):
        reply = requests.post(f"{topology.url}/webhooks/rest/webhook",
                              json={"sender": "round-robin", "message": f"hello {turn}"},
                              timeout=60)
        assert reply.status_code == 200
        upstreams.add(reply.headers["X-Upstream"])
    assert upstreams == {f"127.0.0.1:{port}" for port in topology.rasa_ports}


def test_50_conversations_of_20_messages_lose_nothing(topology: Topology) -> None:
    started = time.monotonic()
    conversations = run_load(topology.url, CONVERSATIONS, TURNS)
    seconds = time.monotonic() - started
    acked = sum(sum(c.acknowledged) for c in conversations)
    assert acked == CONVERSATIONS * TURNS, f"only {acked} acknowledged in {seconds:.0f} s"
    assert _check_all(topology, conversations) == []


def test_safety_word_erasure_on_postgresql_leaves_no_rows(topology: Topology) -> None:
    sender = "erase-me-on-postgres"
    cid = privacy.pseudonymise("rest", sender)
    url = f"{topology.url}/webhooks/rest/webhook"
    assert requests.post(url, json={"sender": sender, "message": "hello"}, timeout=60).ok
    tracker = create_engine(topology.tracker_url, future=True)
    ours = create_engine(topology.db_url, future=True)
    try:
        assert _tracker_rows(tracker, cid) > 0
        reply = requests.post(url, json={"sender": sender, "message": "exit"}, timeout=60)
        assert reply.status_code == 200
        assert [m["text"] for m in reply.json()] == ["Thanks for your message. Goodbye."]
        assert _tracker_rows(tracker, cid) == 0
        tables = set(inspect(ours).get_table_names())
        with ours.connect() as connection:
            for entry in privacy.CONVERSATION_TABLES:
                if entry.table in tables:
                    count = connection.execute(
                        text(f"SELECT count(*) FROM {entry.table} WHERE {entry.column} = :c"),
                        {"c": cid}).scalar()
                    assert count == 0, entry.table
    finally:
        tracker.dispose()
        ours.dispose()


def _tracker_rows(engine, cid: str) -> int:  # noqa: ANN001
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :c"), {"c": cid}).scalar()


def test_kill_9_one_server_under_load_loses_no_acknowledged_message(
        topology: Topology) -> None:
    first_reply = threading.Event()
    result: list = []
    loader = threading.Thread(target=lambda: result.extend(
        run_load(topology.url, CONVERSATIONS, TURNS, after_first=first_reply)))
    loader.start()
    assert first_reply.wait(120)
    time.sleep(3)  # well into the load
    topology.kill_rasa(0)
    loader.join(timeout=900)
    assert not loader.is_alive()
    acked = sum(sum(c.acknowledged) for c in result)
    # Only the turns in flight on the killed server may fail; the rest are served by the
    # other server, with each conversation's history.
    assert acked >= CONVERSATIONS * TURNS - 3 * CONVERSATIONS, acked
    assert all(c.acknowledged[-1] for c in result), "a conversation could not go on"
    assert _check_all(topology, result) == []


def test_action_server_stopped_danger_still_gets_999_and_55(topology: Topology) -> None:
    topology.stop_actions()
    reply = requests.post(f"{topology.url}/webhooks/rest/webhook",
                          json={"sender": "danger-no-actions",
                                "message": "he's outside with a knife"}, timeout=120)
    assert reply.status_code == 200
    texts = [m.get("text", "") for m in reply.json()]
    assert texts[0] == "If you are in danger now, call 999."
    assert any("press 55" in t for t in texts)
