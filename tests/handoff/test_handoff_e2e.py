"""End to end: the real Rasa server, action server and console on loopback.

The trained model does not yet route ask_human to action_handoff_escalate (the lead wires
that and retrains), so the test runs the escalation action on the real action server with the
conversation's real tracker, and delivers its replies through Rasa's HTTP API, as Rasa would.
"""
from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from helpline import advisor_queue, privacy
from helpline.run import Stack
from tests.conftest import RestClient

from .conftest import PASSWORD, login


@pytest.fixture(scope="module")
def stack(handoff_stack: Stack) -> Stack:
    """The shared stack (tests/handoff/conftest.py): Rasa, actions, web chat, console."""
    return handoff_stack


def tracker(stack: Stack, cid: str) -> dict:
    reply = requests.get(f"{stack.rasa_url}/conversations/{cid}/tracker", timeout=10)
    assert reply.status_code == 200
    return reply.json()


def escalate(stack: Stack, cid: str) -> list[str]:
    """Run action_handoff_escalate on the real action server, then deliver its replies."""
    body = {"next_action": "action_handoff_escalate", "sender_id": cid,
            "tracker": tracker(stack, cid), "domain": {}, "version": "3.6.2"}
    reply = requests.post(f"http://127.0.0.1:{stack.action_port}/webhook", json=body,
                          timeout=30)
    assert reply.status_code == 200, reply.text
    texts = [r["text"] for r in reply.json()["responses"]]
    events = [{"event": "bot", "text": t} for t in texts]
    delivered = requests.post(
        f"{stack.rasa_url}/conversations/{cid}/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true"},
        json=events, timeout=10)
    assert delivered.status_code == 200
    return texts


class Stream:
    """Reads a server-sent event stream in a thread; events land in .events with a time."""

    def __init__(self, session: requests.Session, url: str) -> None:
        self.events: list[tuple[float, str, dict]] = []
        self.response = session.get(url, stream=True, timeout=30)
        assert self.response.status_code == 200
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    self.events.append((time.monotonic(), name, json.loads(line[6:])))
        except Exception:  # noqa: BLE001 - closed
            pass

    def wait_for(self, predicate, timeout: float) -> tuple[float, str, dict]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for item in list(self.events):
                if predicate(item[1], item[2]):
                    return item
            time.sleep(0.02)
        raise AssertionError("no matching event in time")

    def close(self) -> None:
        self.response.close()


def test_escalate_claim_reply_silence_hand_back(stack: Stack) -> None:
    rest, console = RestClient(stack.rasa_url), stack.console
    person = "e2e-person-1"
    cid = privacy.pseudonymise("rest", person)
    assert rest.texts(person, "hello")  # the bot answers before the handoff
    session, token = login(console.url, "ann", PASSWORD)
    h = {"X-CSRF-Token": token}
    queue_stream = Stream(session, console.url + "/events/queue")
    queue_stream.wait_for(lambda n, d: n == "queue", 5)

    asked = time.monotonic()
    texts = escalate(stack, cid)
    assert "You are next in the queue." in texts[0] and "999" in texts[1]
    entry = advisor_queue.active_for(cid, db_url=stack.db_url)
    seen, _, _ = queue_stream.wait_for(
        lambda n, d: any(e["id"] == entry.id for e in d["entries"]), 3)
    assert seen - asked < 1.0  # the new escalation reaches the console within 1 s
    queue_stream.close()

    rival, rival_token = login(console.url, "bob", PASSWORD)
    assert session.post(f"{console.url}/api/c/{entry.id}/claim", headers=h,
                        timeout=10).status_code == 200
    assert rival.post(f"{console.url}/api/c/{entry.id}/claim", timeout=10,
                      headers={"X-CSRF-Token": rival_token}).status_code == 409
    assert tracker(stack, cid)["paused"] is True

    # The person's message reaches the console within 1 s, and the bot says nothing.
    page = session.get(f"{console.url}/c/{entry.id}", timeout=10)
    count = int(page.text.split('data-count="')[1].split('"')[0])
    lines = Stream(session, f"{console.url}/events/c/{entry.id}?after={count}")
    sent = time.monotonic()
    assert rest.send(person, "<script>alert(1)</script> are you there?") == []
    got, _, item = lines.wait_for(lambda n, d: n == "line" and d["who"] == "person", 3)
    assert got - sent < 1.0 and item["text"].startswith("<script>")

    reply = session.post(f"{console.url}/api/c/{entry.id}/reply", headers=h, timeout=10,
                         json={"text": "Hi, I'm Ann, an advisor. Are you safe to talk?"})
    assert reply.status_code == 200
    bots = [e for e in tracker(stack, cid)["events"] if e["event"] == "bot"]
    assert bots[-1]["text"].startswith("Hi, I'm Ann") and bots[-1]["metadata"]["advisor"]
    lines.wait_for(lambda n, d: n == "line" and d["who"] == "advisor", 3)
    assert rest.send(person, "yes I can talk") == []  # still silent while held
    # ...except for danger: 999 at once, whoever holds the chat (it used to be silent).
    [danger_reply] = rest.send(person, "he's back and he's got a knife")
    assert danger_reply["text"].startswith("If you are in danger now, call 999.")
    assert "press 55" in danger_reply["text"]
    assert tracker(stack, cid)["paused"] is True, "the advisor still holds the chat"
    events = tracker(stack, cid)["events"]
    after_reply = events[[i for i, e in enumerate(events) if e["event"] == "bot"][-1] + 1:]
    assert not [e for e in after_reply if e["event"] == "bot"]

    audit = [(a.actor, a.action) for a in advisor_queue.audit_log(db_url=stack.db_url)]
    assert ("ann", "open") in audit and ("ann", "claim") in audit

    assert session.post(f"{console.url}/api/c/{entry.id}/handback", headers=h,
                        timeout=10).status_code == 200
    assert tracker(stack, cid)["paused"] is False
    assert rest.texts(person, "hello")  # the bot answers again
    assert advisor_queue.get(entry.id, stack.db_url).status == advisor_queue.WITH_BOT
    close = session.post(f"{console.url}/api/c/{entry.id}/close", headers=h, timeout=10,
                         json={"outcome": "signposted", "note": "Gave helpline number"})
    assert close.status_code == 200
    assert advisor_queue.get(entry.id, stack.db_url).outcome == "signposted"
    lines.close()


def test_safety_word_during_handoff_erases_the_entry(stack: Stack) -> None:
    rest, console = RestClient(stack.rasa_url), stack.console
    person = "e2e-person-2"
    cid = privacy.pseudonymise("rest", person)
    rest.send(person, "he has a knife")
    escalate(stack, cid)
    entry = advisor_queue.active_for(cid, db_url=stack.db_url)
    assert entry.priority == "urgent"
    session, token = login(console.url, "ann", PASSWORD)
    assert session.post(f"{console.url}/api/c/{entry.id}/claim", timeout=10,
                        headers={"X-CSRF-Token": token}).status_code == 200
    lines = Stream(session, f"{console.url}/events/c/{entry.id}")
    reply = rest.texts(person, "exit")
    assert len(reply) == 1 and "knife" not in reply[0]
    assert advisor_queue.get(entry.id, stack.db_url) is None
    lines.wait_for(lambda n, d: n == "status" and d["status"] == "ended", 3)
    gone = session.get(f"{console.url}/api/c/{entry.id}/transcript", timeout=10)
    assert gone.status_code == 410 and "Ended by the person" in gone.text
    snapshot = session.get(f"{console.url}/api/queue", timeout=10).json()
    assert entry.id in [e["id"] for e in snapshot["ended"]]
    assert not [e for e in snapshot["entries"] if e["id"] == entry.id]
    assert tracker(stack, cid)["events"] == [] or all(
        e["event"] != "user" for e in tracker(stack, cid)["events"])
    lines.close()


def outbox_notices(stack: Stack, person: str, after: int = 0) -> list[dict]:
    """The notices waiting in the person's outbox (what the web chat and REST clients fetch)."""
    reply = requests.get(f"{stack.rasa_url}/webhooks/rest/outbox", timeout=10,
                         params={"sender": person, "after": after})
    assert reply.status_code == 200
    return [m for m in reply.json() if m.get("notice")]


def test_the_person_is_told_where_they_stand(stack: Stack) -> None:
    """Joined (with the advisor's first name, if set), left, joined again, closed: each
    reaches the person's REST outbox, and the console's transcript shows what they were told."""
    from helpline.console import auth

    rest, console = RestClient(stack.rasa_url), stack.console
    person = "e2e-person-notices"
    cid = privacy.pseudonymise("rest", person)
    assert rest.texts(person, "hello")
    escalate(stack, cid)
    entry = advisor_queue.active_for(cid, db_url=stack.db_url)
    ann, ann_token = login(console.url, "ann", PASSWORD)
    ann_h = {"X-CSRF-Token": ann_token}
    assert ann.post(f"{console.url}/api/me/name", json={"first_name": "Ann"}, headers=ann_h,
                    timeout=10).json() == {"first_name": "Ann"}
    try:
        claimed = ann.post(f"{console.url}/api/c/{entry.id}/claim", headers=ann_h, timeout=10)
        assert claimed.json() == {"status": "held", "told": True}
        [joined] = outbox_notices(stack, person)
        assert joined["notice"] == "joined"
        assert joined["text"].startswith("Ann, an advisor, has joined this chat.")

        # Ann leaves: the entry waits again with its priority, the bot answers, she is gone.
        left = ann.post(f"{console.url}/api/c/{entry.id}/release", headers=ann_h, timeout=10)
        assert left.json() == {"status": "waiting", "told": True}
        assert [n["notice"] for n in outbox_notices(stack, person, joined["id"])] == ["left"]
        assert advisor_queue.get(entry.id, stack.db_url).status == advisor_queue.WAITING
        assert tracker(stack, cid)["paused"] is False
        assert advisor_queue.place(advisor_queue.get(entry.id, stack.db_url), stack.db_url) is not None

        # Bob has no first name set: "An advisor"; his close tells the person too.
        bob, bob_token = login(console.url, "bob", PASSWORD)
        bob_h = {"X-CSRF-Token": bob_token}
        assert bob.post(f"{console.url}/api/c/{entry.id}/claim", headers=bob_h,
                        timeout=10).status_code == 200
        assert rest.send(person, "thank you") == []  # the bot is silent again
        closed = bob.post(f"{console.url}/api/c/{entry.id}/close", headers=bob_h, timeout=10,
                          json={"outcome": "signposted", "note": ""})
        assert closed.json() == {"status": "closed", "told": True}
        kinds = [(n["notice"], n["text"][:30]) for n in outbox_notices(stack, person, joined["id"])]
        assert kinds == [("left", notices_text("left")[:30]),
                         ("joined", "An advisor has joined this cha"),
                         ("closed", notices_text("closed")[:30])]
        said = [i for i in ann.get(f"{console.url}/api/c/{entry.id}/transcript",
                                   timeout=10).json()["items"] if i["who"] == "notice"]
        assert len(said) == 4 and all(isinstance(i["ts"], float) for i in said)
    finally:
        auth.set_first_name("ann", "", stack.db_url)


def notices_text(kind: str) -> str:
    from helpline.console import notices

    return notices.text(kind)


def test_typing_flags_through_the_rest_channel_and_web_chat(stack: Stack) -> None:
    person = "e2e-person-typing"
    cid = privacy.pseudonymise("rest", person)
    rasa = f"{stack.rasa_url}/webhooks/rest/typing"
    web = f"{stack.webchat_url}/api/typing"
    assert requests.get(web, params={"sender": person}, timeout=10).json() == {
        "advisor_typing": False}
    advisor_queue.set_typing(cid, advisor_queue.ADVISOR, db_url=stack.db_url)  # as the console does
    assert requests.get(web, params={"sender": person}, timeout=10).json() == {
        "advisor_typing": True}
    assert requests.post(web, json={"sender": person}, timeout=10).status_code == 200
    assert advisor_queue.typing_at(cid, advisor_queue.PERSON, db_url=stack.db_url) is not None
    # Bad input: a plain 4xx from both, never a 5xx.
    for reply in (requests.get(rasa, timeout=10), requests.post(rasa, data=b"{", timeout=10),
                  requests.get(web, timeout=10), requests.post(web, data=b"[1]", timeout=10),
                  requests.get(web, params={"sender": "x" * 200}, timeout=10)):
        assert reply.status_code == 400 and reply.json()["error"]
