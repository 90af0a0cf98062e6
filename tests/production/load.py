"""Concurrent conversations through nginx, and the checks on their trackers."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from helpline import privacy

# Ordinary messages that neither end nor pause a conversation (no exit word, no danger).
MESSAGES = [
    "hello", "I need some advice", "what is coercive control", "he checks my phone",
    "is it abuse if he controls all my money", "thanks", "I live in Leeds",
    "what can I do", "are you a bot", "ok",
]


@dataclass
class Conversation:
    sender: str
    sent: list[str] = field(default_factory=list)
    acknowledged: list[bool] = field(default_factory=list)

    @property
    def conversation_id(self) -> str:
        return privacy.pseudonymise("rest", self.sender)


def message(conversation: int, turn: int) -> str:
    """A unique, ordinary message: the turn number makes order and duplicates visible."""
    return f"{MESSAGES[(conversation + turn) % len(MESSAGES)]} #{turn}"


def run_load(base_url: str, conversations: int, turns: int,
             after_first: threading.Event | None = None) -> list[Conversation]:
    """Each conversation sends its turns one after another; conversations run at once.

    A message counts as acknowledged when nginx answered 200 (what Twilio or Telegram
    would take as delivered). Failed messages are not retried.
    """
    result = [Conversation(f"load-{uuid.uuid4().hex[:12]}") for _ in range(conversations)]

    def talk(index: int) -> None:
        conversation = result[index]
        with requests.Session() as session:
            for turn in range(turns):
                text = message(index, turn)
                conversation.sent.append(text)
                try:
                    reply = session.post(f"{base_url}/webhooks/rest/webhook",
                                         json={"sender": conversation.sender, "message": text},
                                         timeout=120)
                    ok = reply.status_code == 200 and isinstance(reply.json(), list)
                except (requests.RequestException, ValueError):
                    ok = False
                conversation.acknowledged.append(ok)
                if after_first is not None:
                    after_first.set()

    with ThreadPoolExecutor(max_workers=conversations) as pool:
        list(pool.map(talk, range(conversations)))
    return result


def tracker_events(base_url: str, conversation_id: str) -> list[dict]:
    reply = requests.get(f"{base_url}/conversations/{conversation_id}/tracker",
                         params={"include_events": "ALL"}, timeout=60)
    reply.raise_for_status()
    return reply.json()["events"]


def check_tracker(events: list[dict], conversation: Conversation) -> list[str]:
    """Problems with one conversation's stored events (an empty list: all good).

    - every acknowledged message is stored exactly once;
    - no message is stored twice, and stored messages keep the order they were sent in;
    - turns don't interleave: after each user message the bot finishes its turn
      (action_listen) before the next user message is stored.
    """
    problems = []
    stored = [e.get("text") for e in events if e.get("event") == "user"]
    order = {text: i for i, text in enumerate(conversation.sent)}
    for text, acked in zip(conversation.sent, conversation.acknowledged):
        count = stored.count(text)
        if acked and count != 1:
            problems.append(f"acknowledged turn {order[text]} stored {count} times")
        elif count > 1:
            problems.append(f"unacknowledged turn {order[text]} stored {count} times")
    unknown = [t for t in stored if t not in order]
    if unknown:
        problems.append(f"{len(unknown)} stored messages were never sent")
    positions = [order[t] for t in stored if t in order]
    if positions != sorted(positions):
        problems.append(f"messages stored out of order: {positions}")
    waiting_for_listen = False
    for event in events:
        if event.get("event") == "user":
            if waiting_for_listen:
                problems.append("a user message was stored in the middle of a bot turn")
            waiting_for_listen = True
        elif event.get("event") == "action" and event.get("name") == "action_listen":
            waiting_for_listen = False
    return problems
