"""The few calls the console makes to Rasa's HTTP API (``rasa run --enable-api``), and
``transcript``: the one place the console turns a tracker's events into the lines advisors see
(the conversation page, its transcript API and its live stream all use it).

The callback number is kept out of transcripts. On the web chat the callback form asks the
person to type a phone number; the form keeps it only in ``callback_numbers`` and the console
shows it only to the advisor working the callback, each viewing audited (callbacks.py). The
person's message is still in Rasa's tracker, so ``transcript`` shows a placeholder in its place.
It recognises that message by the form's state, not by its text: a user message that comes
while ``callback_form`` is the active loop and its ``requested_slot`` is ``callback_number``
(both set by events before the message: the form asks, then listens). Every answer to that
question is hidden, refused ones too: a number with a typo is still the person's number, and
matching text that looks like a number would miss some. The cost is that a non-number typed at
that question (a stop word, danger) is hidden as well; the bot's reply to it still shows.
Messages written while an advisor has the conversation (paused) are shown: the form is not
running then, and the person is writing to the advisor.

A button the person pressed reaches the tracker as its payload ("/affirm"), which means
nothing to an advisor, so ``transcript`` shows the title of the button pressed instead
("[button] Yes, it's safe"). Only the buttons of the bot's messages since the person last wrote
count, and only an exact payload: typed text that happens to start with "/" is shown as typed.
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

import aiohttp

from helpline.console import notices


class RasaError(Exception):
    """Rasa did not answer as expected."""


class RasaAPI:
    def __init__(self, base_url: str, token: Optional[str] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http: Optional[aiohttp.ClientSession] = None

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    def _url(self, conversation_id: str, tail: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{tail}"

    def _params(self, **extra: str) -> dict[str, str]:
        params = dict(extra)
        if self.token:
            params["token"] = self.token
        return params

    async def events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's events since its last restart."""
        try:
            async with self._client().get(self._url(conversation_id, "tracker"),
                                          params=self._params()) as reply:
                if reply.status != 200:
                    raise RasaError(f"tracker: HTTP {reply.status}")
                return (await reply.json()).get("events") or []
        except aiohttp.ClientError as error:
            raise RasaError(type(error).__name__) from None

    async def append(self, conversation_id: str, events: list[dict[str, Any]],
                     deliver: bool = False) -> None:
        """Append events; ``deliver`` sends bot messages out on the person's latest channel."""
        params = self._params(**({"output_channel": "latest", "execute_side_effects": "true"}
                                 if deliver else {}))
        try:
            async with self._client().post(self._url(conversation_id, "tracker/events"),
                                           params=params, json=events) as reply:
                if reply.status != 200:
                    raise RasaError(f"append: HTTP {reply.status}")
        except aiohttp.ClientError as error:
            raise RasaError(type(error).__name__) from None

    async def pause(self, conversation_id: str) -> None:
        """ConversationPaused: Rasa logs the person's messages but predicts nothing."""
        await self.append(conversation_id, [{"event": "pause"}])

    async def resume(self, conversation_id: str) -> None:
        await self.append(conversation_id, [{"event": "resume"}])

    async def say(self, conversation_id: str, text: str) -> None:
        await self.append(conversation_id, [{"event": "bot", "text": text,
                                             "metadata": {"advisor": True}}], deliver=True)

    async def tell(self, conversation_id: str, kind: str, first_name: str = "") -> bool:
        """Send the person a notice (helpline.console.notices); False if it did not go.

        Best effort: the change it reports has happened either way, and the advisor is told
        when the person could not be."""
        try:
            await self.append(conversation_id, [notices.event(kind, first_name)], deliver=True)
        except RasaError:
            return False
        return True


# The form and slot asking the web chat for a number (domain.yml, bot/actions/handoff.py).
CALLBACK_FORM, NUMBER_SLOT = "callback_form", "callback_number"
NUMBER_HIDDEN = "(a phone number for the callback: shown on the callback)"
BUTTON_MARK = "[button]"


def transcript(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the console shows: who spoke (person / bot / advisor; "notice": what the person
    was told of an advisor joining or leaving; "system": the bot paused or resumed), the text
    and the time. An answer to the callback number question is shown as ``NUMBER_HIDDEN``
    (module docstring)."""
    items: list[dict[str, Any]] = []
    loop = requested = None
    paused = False
    offered: dict[str, str] = {}  # payload -> title of the buttons shown since the last message
    for event in events:
        kind = event.get("event")
        if kind == "active_loop":
            loop = event.get("name")
        elif kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind in ("restart", "session_started"):
            loop = requested = None
        if kind in ("pause", "resume"):
            paused = kind == "pause"
        if kind == "user" and isinstance(event.get("text"), str):
            asked = loop == CALLBACK_FORM and requested == NUMBER_SLOT and not paused
            text = event["text"]
            text = NUMBER_HIDDEN if asked else (
                f"{BUTTON_MARK} {offered[text]}" if text in offered else text)
            items.append({"who": "person", "text": text, "ts": event.get("timestamp")})
            offered = {}
        elif kind == "bot" and isinstance(event.get("text"), str):
            for button in (event.get("data") or {}).get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    offered[button["payload"]] = str(button.get("title") or button["payload"])
            metadata = event.get("metadata") or {}
            who = "notice" if metadata.get("notice") else (
                "advisor" if metadata.get("advisor") else "bot")
            items.append({"who": who, "text": event["text"], "ts": event.get("timestamp")})
        elif kind in ("pause", "resume"):
            items.append({"who": "system", "ts": event.get("timestamp"),
                          "text": "Advisor joined" if kind == "pause" else "Handed to the bot"})
    return items
