"""What the person is told when an advisor joins, leaves, hands back, passes on or closes
their chat.

Before, a person whose chat an advisor claimed still saw "While you wait..." last, and was
told nothing when the advisor left. Now each change is sent like an advisor's reply: a bot
event appended through Rasa's HTTP API with ``output_channel=latest``, so it reaches the
person on the channel they wrote on (the web chat and REST clients through the outbox, SMS,
Telegram) and stays in the transcript. Its metadata ``{"notice": kind}`` lets the web chat
show it as a status line, not as words from the advisor or the assistant.

The texts are plain, short (one SMS segment or two) and end with the emergency route where
the person is back with the assistant or with someone new. "transferred" is sent when an
advisor passes the chat to a colleague or a supervisor takes it over
(helpline/console/supervision.py), naming the new advisor if they set a first name. The
helpline number is the one the bot gives (bot/actions/handoff.py, HELPLINE;
tests/handoff/test_notices.py checks they agree).

Two notices to people waiting have their texts in helpline/console/shifts.py, beside the
watcher that sends them, because they need the queue: "finished" (the line closed) and
"place" (their place moved up a lot, in the bot's own wording of a place and wait).
"""
from __future__ import annotations

HELPLINE = "0808 2000 247"
JOINED, LEFT, HANDED_BACK, CLOSED, REMOVED = "joined", "left", "handed_back", "closed", "removed"
TRANSFERRED = "transferred"
KINDS = (JOINED, LEFT, HANDED_BACK, CLOSED, REMOVED, TRANSFERRED)  # each with its text below
FINISHED = "finished"  # advisors finished for now (its text, with when they are back: shifts.py)
PLACE = "place"  # their place in the queue moved up a lot (its text and rule: shifts.py)
SHOWN = (*KINDS, FINISHED, PLACE)  # what a web chat shows as a status line
IN_DANGER = "If you are in danger now, call 999."

_TEXTS = {
    LEFT: ("The advisor has left this chat. You are back in the queue and keep your place: "
           "an advisor will join you as soon as they can. " + IN_DANGER),
    HANDED_BACK: ("The advisor has handed you back to the automated assistant. You can ask "
                  "for a person again at any time. " + IN_DANGER),
    CLOSED: ("The advisor has closed this chat. Thank you for talking to us. The National "
             f"Domestic Abuse Helpline is free, 24 hours: {HELPLINE}. " + IN_DANGER),
    REMOVED: ("You are no longer waiting for an advisor. You can ask for a person again at "
              f"any time, or call the National Domestic Abuse Helpline, free, 24 hours: "
              f"{HELPLINE}. " + IN_DANGER),
}


def text(kind: str, first_name: str = "") -> str:
    """The person's notice for ``kind``; ``first_name`` names the advisor who joined."""
    if kind == JOINED:
        who = f"{first_name}, an advisor," if first_name else "An advisor"
        return f"{who} has joined this chat. You are now talking to a person."
    if kind == TRANSFERRED:
        who = f"{first_name}, another advisor," if first_name else "Another advisor"
        return (f"{who} has taken over this chat and can see what you have written so far. "
                + IN_DANGER)
    return _TEXTS[kind]


def event(kind: str, first_name: str = "") -> dict:
    """The bot event that carries the notice (see the module docstring)."""
    return {"event": "bot", "text": text(kind, first_name), "metadata": {"notice": kind}}
