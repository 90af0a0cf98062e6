"""End to end through the real Rasa server with our REST channel (see conftest.py)."""
from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
import requests

from helpline import privacy

from .stack import NEUTRAL_REPLY, SafetyStack

TEXTS = {
    "greeting": "hello there",
    "chat": "my partner reads my messages qv7731",
    "more": "he took my bank card qv7732",
    "word": "Marmalade Sky",
}


def post(stack: SafetyStack, sender: str, message: str) -> requests.Response:
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                         json={"sender": sender, "message": message}, timeout=60)


def conversation_id(stack: SafetyStack, sender: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HELPLINE_ID_SECRET", stack.env["HELPLINE_ID_SECRET"])
    return privacy.pseudonymise("rest", sender)


def tracker_rows(stack: SafetyStack, sender_id: str) -> list[tuple]:
    with sqlite3.connect(stack.tracker_db) as connection:
        return connection.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ?", (sender_id,)).fetchall()


def our_rows(stack: SafetyStack, conversation: str) -> list[tuple]:
    with sqlite3.connect(stack.our_db) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = []
        for table in tables:
            columns = [r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')]
            if "conversation_id" in columns:
                rows += connection.execute(
                    f'SELECT * FROM "{table}" WHERE conversation_id = ?', (conversation,)
                ).fetchall()
        return rows


def file_bytes(stack: SafetyStack) -> bytes:
    return b"".join(p.read_bytes() for p in stack.dir.glob("*.db*"))


def test_safety_word_erases_everything(safety_stack: SafetyStack,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    stack = safety_stack
    sender = f"browser-{uuid.uuid4()}"
    cid = conversation_id(stack, sender, monkeypatch)

    reply = post(stack, sender, TEXTS["greeting"])
    assert reply.status_code == 200
    assert reply.json() and all(m["recipient_id"] == sender for m in reply.json())
    assert tracker_rows(stack, cid), "Rasa stores the conversation under the pseudonymous id"
    assert not tracker_rows(stack, sender), "the raw sender id never reaches the tracker"

    prompt = post(stack, sender, "set a safety word").json()
    assert "safety word" in prompt[0]["text"].lower()
    confirmed = post(stack, sender, TEXTS["word"]).json()
    assert confirmed[0]["text"].startswith("Your safety word is set")
    assert post(stack, sender, TEXTS["chat"]).status_code == 200
    assert post(stack, sender, TEXTS["more"]).status_code == 200
    stored = " ".join(data for _, data in tracker_rows(stack, cid))
    assert TEXTS["chat"] in stored
    # Neither the request nor the word reached Rasa as something the person wrote.
    written = [json.loads(data).get("text") or "" for type_name, data
               in tracker_rows(stack, cid) if type_name == "user"]
    assert not [text for text in written
                if "marmalade" in text.lower() or "set a safety word" in text.lower()]
    assert our_rows(stack, cid), "the safety word's hash is held for this conversation"

    final = post(stack, sender, "  marmalade SKY ")
    assert final.status_code == 200
    assert final.json() == [{"recipient_id": sender, "text": NEUTRAL_REPLY}]

    assert tracker_rows(stack, cid) == []
    assert our_rows(stack, cid) == []
    data = file_bytes(stack)
    for text in (TEXTS["chat"], TEXTS["more"], TEXTS["greeting"], cid):
        assert text.encode() not in data

    # The next message starts a fresh conversation that knows nothing of the last.
    again = post(stack, sender, "hello again")
    assert again.status_code == 200
    stored = " ".join(data for _, data in tracker_rows(stack, cid))
    assert "hello again" in stored and TEXTS["chat"] not in stored
    # The old safety word went with the conversation: now it is just a message to Rasa.
    assert post(stack, sender, TEXTS["word"]).json() != [
        {"recipient_id": sender, "text": NEUTRAL_REPLY}]

    logs = stack.logs()
    for text in (*TEXTS.values(), "marmalade", "hello again", sender):
        assert text.lower() not in logs.lower(), f"logs contain {text!r}"


@pytest.mark.parametrize("word", ["exit", " QUICK EXIT "])
def test_default_exit_words_erase(safety_stack: SafetyStack, word: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sender = f"exit-{uuid.uuid4()}"
    cid = conversation_id(safety_stack, sender, monkeypatch)
    post(safety_stack, sender, "hello")
    assert tracker_rows(safety_stack, cid)
    reply = post(safety_stack, sender, word)
    assert reply.json() == [{"recipient_id": sender, "text": NEUTRAL_REPLY}]
    assert tracker_rows(safety_stack, cid) == []


def test_near_miss_goes_to_rasa(safety_stack: SafetyStack,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    sender = f"near-{uuid.uuid4()}"
    cid = conversation_id(safety_stack, sender, monkeypatch)
    reply = post(safety_stack, sender, "exiting the house")
    assert reply.status_code == 200
    assert reply.json() != [{"recipient_id": sender, "text": NEUTRAL_REPLY}]
    assert tracker_rows(safety_stack, cid)


def test_reserved_word_is_refused(safety_stack: SafetyStack,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sender = f"reserved-{uuid.uuid4()}"
    post(safety_stack, sender, "set a safety word")
    reply = post(safety_stack, sender, "STOP").json()
    assert "STOP" in reply[0]["text"] and "reserve" in reply[0]["text"]


def test_erase_route(safety_stack: SafetyStack, monkeypatch: pytest.MonkeyPatch) -> None:
    sender = f"erase-{uuid.uuid4()}"
    cid = conversation_id(safety_stack, sender, monkeypatch)
    post(safety_stack, sender, "hello")
    assert tracker_rows(safety_stack, cid)
    reply = requests.post(f"{safety_stack.rasa_url}/webhooks/rest/erase",
                          data=f'{{"sender": "{sender}"}}',
                          headers={"Content-Type": "text/plain"}, timeout=30)
    assert reply.status_code == 200 and reply.json() == {"status": "erased"}
    assert tracker_rows(safety_stack, cid) == []


# (body, status from the REST channel, status from the web chat's proxy). The REST channel
# answers empty and very long messages (the bot replies to them); the web chat page never
# sends them, so its proxy refuses them with a plain explanation.
BAD_BODIES = [
    (b"", 400, 400),
    (b"{not json", 400, 400),
    (b"[1, 2, 3]", 400, 400),
    (b'"just a string"', 400, 400),
    (b'{"sender": "x"}', 400, 400),
    (b'{"message": "hello"}', 400, 400),
    (b'{"sender": "x", "message": ""}', 200, 400),
    (b'{"sender": "x", "message": "   "}', 200, 400),
    (b'{"sender": "x", "message": 12}', 400, 400),
    (b'{"sender": {"a": 1}, "message": "hi"}', 400, 400),
    (b'{"sender": "x", "message": "\xff\xfe"}', 400, 400),
    (b'{"sender": "x", "message": "' + b"a" * 100_000 + b'"}', 200, 413),
    (b'{"sender": "x", "message": "' + b"a" * 300_000 + b'"}', 413, 413),
]


@pytest.mark.parametrize("body,rest_status,webchat_status", BAD_BODIES)
def test_bad_bodies_get_a_clear_answer(safety_stack: SafetyStack, body: bytes,
                                       rest_status: int, webchat_status: int) -> None:
    for url, status in ((f"{safety_stack.rasa_url}/webhooks/rest/webhook", rest_status),
                        (f"{safety_stack.webchat_url}/api/message", webchat_status)):
        reply = requests.post(url, data=body, timeout=60,
                              headers={"Content-Type": "application/json"})
        assert reply.status_code == status, url
        if status == 200:
            assert reply.json() and all(item.get("text") for item in reply.json())
        else:
            assert reply.json()["error"]
        if status == 413:
            assert "call 999" in reply.json()["error"], "too long to read: 999 still said"
        assert "Traceback" not in reply.text


@pytest.mark.parametrize("message", [
    "I'm scared 😢🙏", "<script>alert(1)</script> help", "**bold** [link](javascript:x)",
    "Ünïcödé ñ 中文", "a\u0000b",
])
def test_odd_but_valid_messages_get_replies(safety_stack: SafetyStack, message: str) -> None:
    sender = f"odd-{uuid.uuid4()}"
    reply = post(safety_stack, sender, message)
    assert reply.status_code == 200
    assert isinstance(reply.json(), list)
    web = requests.post(f"{safety_stack.webchat_url}/api/message",
                        json={"sender": sender, "message": message}, timeout=60)
    assert web.status_code == 200 and isinstance(web.json()["messages"], list)


def test_webchat_proxy_reports_a_safety_word(safety_stack: SafetyStack) -> None:
    sender = f"proxy-{uuid.uuid4()}"
    first = requests.post(f"{safety_stack.webchat_url}/api/message",
                          json={"sender": sender, "message": "hello"}, timeout=60).json()
    assert first["ended"] is False and first["messages"]
    last = requests.post(f"{safety_stack.webchat_url}/api/message",
                         json={"sender": sender, "message": "exit"}, timeout=60).json()
    assert last == {"messages": [{"recipient_id": sender, "text": NEUTRAL_REPLY}],
                    "ended": True}


def test_rest_says_when_a_word_ended_the_conversation(safety_stack: SafetyStack) -> None:
    """The web chat learns of the erasure from the REST channel's header, not by comparing
    the reply with a neutral reply the two servers would have to share."""
    sender = f"header-{uuid.uuid4()}"
    assert "X-Helpline-Ended" not in post(safety_stack, sender, "hello").headers
    ended = post(safety_stack, sender, "exit")
    assert ended.headers["X-Helpline-Ended"] == "1"
    assert [m["text"] for m in ended.json()] == [NEUTRAL_REPLY]


def test_webchat_page_headers(safety_stack: SafetyStack) -> None:
    page = requests.get(safety_stack.webchat_url, timeout=10)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    assert "Set-Cookie" not in page.headers
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<title>Chat</title>" in page.text
    assert safety_stack.neutral_url in page.text
    assert requests.get(f"{safety_stack.webchat_url}/favicon.ico", timeout=10).ok
    missing = requests.get(f"{safety_stack.webchat_url}/nope", timeout=10)
    assert missing.status_code == 404 and "Traceback" not in missing.text


def test_webchat_is_ready_only_while_rasa_is(safety_stack: SafetyStack) -> None:
    reply = requests.get(f"{safety_stack.webchat_url}/ready", timeout=30)
    assert (reply.status_code, reply.json()) == (200, {"status": "ready"})

    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from helpline import webchat
    from tests.helpers import free_port

    async def with_rasa_gone() -> tuple[int, dict]:
        app = webchat.make_app(f"http://127.0.0.1:{free_port()}")  # nothing listens there
        async with TestClient(TestServer(app)) as client:
            answer = await client.get("/ready")
            return answer.status, await answer.json()

    assert asyncio.run(with_rasa_gone()) == (
        503, {"status": "not ready", "problems": ["the Rasa server"]})
