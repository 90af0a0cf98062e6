"""The REST channel with the safety gate: POST /webhooks/rest/webhook.

Same public contract as Rasa's RestInput: ``{"sender": "...", "message": "..."}`` in, the
list of bot messages out. On top of it:

- the sender id is pseudonymised (HMAC) before Rasa or its tracker store sees it, and the
  replies carry the caller's own sender id back;
- the safety gate runs before Rasa: a safety word erases the conversation and gets only the
  neutral reply, with the header ``X-Helpline-Ended: 1`` (safety_words.ENDED_HEADER) so a
  client such as the web chat can end the chat; "set a safety word" is handled here, so the
  word never reaches Rasa;
- bad bodies get a 4xx with a plain JSON explanation, never a 5xx or a stack trace
  (helpline.untrusted.parse_json_object: size, UTF-8, JSON, depth, an object); a sender id
  with a lone surrogate is refused (400), while message text has them replaced (see there);
- answers are JSON with "<", ">" and "&" escaped, so a sender id echoed back as
  ``recipient_id`` is never markup;
- no message text or raw sender id is logged; client metadata is not stored.

``POST /webhooks/rest/erase`` with ``{"sender": "..."}`` erases that conversation (the web
chat's quick exit calls it with navigator.sendBeacon, so any content type is accepted).

``GET /webhooks/rest/outbox?sender=...&after=N`` returns the messages that reached this
conversation outside a request (an advisor's reply, sent through Rasa's HTTP API with
``output_channel=latest``; see ``get_output_channel``), as a JSON list like the webhook's,
each with an ``id``. ``after`` is the last id the caller has shown: those rows are deleted.
``wait`` (seconds, up to 25) makes it a long poll: it answers as soon as a message arrives.

``/webhooks/rest/typing`` (``GET ?sender=...`` or ``POST {"sender": "..."}``, the POST saying
the person is typing) answers ``{"advisor_typing": bool}``: the typing indicators of a chat
an advisor holds (bot/channels/outbox.py).

Register in credentials.yml as ``bot.channels.rest.HelplineRestInput:``.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import common, outbox
from helpline import privacy, safety_words
from helpline.untrusted import (
    BadInput,
    has_lone_surrogate,
    json_dumps,
    max_body_bytes,
    parse_json_object,
)

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


def _json(body: Any, status: int = 200, **kwargs: Any) -> HTTPResponse:
    return response.json(body, status=status, dumps=json_dumps, **kwargs)


def _error(error: BadInput) -> HTTPResponse:
    return _json({"error": error.message}, status=error.status)


def parse_body(request: Request) -> dict[str, Any]:
    """The JSON object of a request body, or BadInput (long messages are answered, not
    refused: see helpline.untrusted on the size)."""
    return parse_json_object(request.body, max_body_bytes(),
                             hint=' Send JSON: {"sender": "...", "message": "..."}.')


def parse_sender(data: dict[str, Any]) -> str:
    sender = data.get("sender")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)):
        raise BadInput('"sender" is missing: give a text id for the conversation.')
    sender = str(sender).strip()
    if not sender or len(sender) > MAX_SENDER_CHARS:
        raise BadInput(f'"sender" must be 1 to {MAX_SENDER_CHARS} characters.')
    if has_lone_surrogate(sender):
        raise BadInput('"sender" is not valid Unicode (it holds a lone surrogate).')
    return sender


def parse_message(data: dict[str, Any]) -> str:
    message = data.get("message")
    if not isinstance(message, str):
        raise BadInput('"message" is missing: give the text the person wrote.')
    # An empty message is passed on: the bot answers it like any message it can't read.
    return message.replace("\x00", "")


def parse_after(value: Optional[str]) -> int:
    """The ``after`` query argument: the last outbox id shown (0 if none)."""
    if value is None or value == "":
        return 0
    if not value.isdigit() or len(value) > 18:
        raise BadInput('"after" must be a whole number: the last message id shown.')
    return int(value)


def parse_wait(value: Optional[str]) -> float:
    """The ``wait`` query argument: seconds to hold a fetch open for a message (0 to 25)."""
    if value is None or value == "":
        return 0.0
    try:
        wait = float(value)
    except ValueError:
        wait = -1.0
    if not 0 <= wait <= outbox.MAX_WAIT:
        raise BadInput(f'"wait" must be a number of seconds from 0 to {outbox.MAX_WAIT:.0f}.')
    return wait


class HelplineRestInput(RestInput):
    """Rasa's REST channel with pseudonymous ids and the safety gate in front."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return _json({"status": "ok"})

        @hook.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            """Readiness: the model is loaded and the databases (and Redis) answer."""
            problems = await common.readiness(request.app)
            return _json({"status": "not ready" if problems else "ready",
                          "problems": problems}, status=503 if problems else 200)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                data = parse_body(request)
                sender = parse_sender(data)
                text = parse_message(data)
            except BadInput as error:
                return _error(error)
            try:
                outcome = await self.handle(request, on_new_message, sender, text)
                return _json(outcome.messages, headers={safety_words.ENDED_HEADER: "1"}
                             if outcome.erased else None)
            except common.Unavailable:
                return _json(
                    [{"recipient_id": sender, "text": common.UNAVAILABLE_REPLY}], status=503)

        @hook.route("/erase", methods=["POST"])
        async def erase(request: Request) -> HTTPResponse:
            try:
                sender = parse_sender(parse_body(request))
            except BadInput as error:
                return _error(error)
            await self.erase(request, sender)
            return _json({"status": "erased"})

        @hook.route("/outbox", methods=["GET"])
        async def fetch_outbox(request: Request) -> HTTPResponse:
            try:
                sender = parse_sender({"sender": request.args.get("sender")})
                after = parse_after(request.args.get("after"))
                wait = parse_wait(request.args.get("wait"))
            except BadInput as error:
                return _error(error)
            conversation_id = privacy.pseudonymise(self.name(), sender)
            try:
                messages = await outbox.wait_fetch(conversation_id, after, wait)
            except Exception as error:  # noqa: BLE001 - log no content, answer plainly
                logger.error("Reading the outbox failed (%s).", type(error).__name__)
                return _json({"error": "Messages can't be fetched right now."}, status=503)
            return _json([{**message, "recipient_id": sender} for message in messages],
                         headers={"Cache-Control": "no-store"})

        @hook.route("/typing", methods=["GET", "POST"])
        async def typing(request: Request) -> HTTPResponse:
            """POST: the person is typing (an advisor sees it); both: is the advisor?"""
            try:
                data = parse_body(request) if request.method == "POST" else {
                    "sender": request.args.get("sender")}
                sender = parse_sender(data)
            except BadInput as error:
                return _error(error)
            conversation_id = privacy.pseudonymise(self.name(), sender)
            try:
                advisor = await outbox.typing(conversation_id, request.method == "POST")
            except Exception as error:  # noqa: BLE001 - log no content, answer plainly
                logger.error("Typing flags failed (%s).", type(error).__name__)
                return _json({"error": "Not available right now."}, status=503)
            return _json({"advisor_typing": advisor}, headers={"Cache-Control": "no-store"})

        return hook

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Where messages sent outside a request go (Rasa's HTTP API, output_channel=latest):
        the outbox, which the web chat polls."""
        return outbox.OutboxOutput()

    async def handle(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
    ) -> common.Outcome:
        """Screen the message, then (unless screened out) pass it to Rasa; the replies carry
        the caller's sender id."""
        conversation_id = privacy.pseudonymise(self.name(), sender)
        # Rasa's own collector splits texts at blank lines, as its REST channel always has.
        outcome = await common.converse(request.app, on_new_message, self.name(),
                                        conversation_id, text,
                                        collector=CollectingOutputChannel())
        outcome.messages = [{**message, "recipient_id": sender} for message in outcome.messages]
        return outcome

    async def erase(self, request: Request, sender: str) -> None:
        """Erase the conversation of this raw sender id, as a safety word would."""
        await common.erase(request.app, privacy.pseudonymise(self.name(), sender))

