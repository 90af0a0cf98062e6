"""SMS through Twilio: POST /webhooks/sms/webhook (point the Twilio number's webhook here).

- Every request must carry a valid ``X-Twilio-Signature`` for the public URL (403 otherwise);
  set HELPLINE_PUBLIC_URL when a proxy sits in front of the server.
- A MessageSid already handled is dropped (kept in our database, so across restarts too).
- Replays: Twilio's signature is an HMAC over the URL and the sorted, concatenated
  name+value pairs, so a captured request stays valid when text moves between parameters:
  "MessageSid=<sid>NumMedia0" with NumMedia removed is a new MessageSid (the person was
  texted again and erased text came back), and "Body=call Carol" can become "Body=call "
  plus a parameter "Carol". So every accepted X-Twilio-Signature is remembered (a keyed
  hash, in ``channel_replay_keys``, for as long as delivery ids) together with a hash of
  the request it came with: the identical request again is Twilio's retry (200, handled
  once by MessageSid); anything else under a used signature gets 403 and is not processed.
- The request must be an incoming message of our account: MessageSid, AccountSid (ours),
  From, To and Body present (400 otherwise), MessageSid ``SM``/``MM`` + 32 hex digits,
  From a phone number in E.164, NumMedia and NumSegments digits. Other parameters are
  accepted unchecked: Twilio's docs say it adds new ones without notice, and refusing an
  unknown name would silence the helpline on the day it does.
- Measured (tests/channels/test_sms_replay.py): tests/channels/replays.py makes 360
  shifted replays of one realistic 19-parameter request, each with a valid signature. Now
  the shape checks refuse 164 (400) and the signature memory the other 196 (403); none is
  handled. Before, 299 were answered 200 and one (the MessageSid/NumMedia shift, a new
  MessageSid) was handled: the person was texted and the erased text was back in the
  tracker. The other 298 were dropped only because their MessageSid had been seen.
- Used signatures and MessageSids are kept for DELIVERY_KEEP_SECONDS (400 days), longer
  than the yearly rotation of TWILIO_AUTH_TOKEN (docs/channels.md): a request captured
  before a rotation no longer validates, so no replay is ever taken as new.
- The sender id Rasa sees is an HMAC of the phone number; the number itself is kept only in
  ``channel_contacts`` (needed to reply), and erased with the conversation.
- STOP and the other opt-out words end and erase the conversation; they are never safety
  words. HELP gets a short guide. "MORE" sends the rest of a long reply; "1", "2" pick
  the numbered options.
- Replies go out through Twilio's REST API (async), shaped by sms_text: GSM-7, at most 3
  segments. The webhook answers with empty TwiML.

Environment: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and TWILIO_FROM_NUMBER or
TWILIO_MESSAGING_SERVICE_SID; optional HELPLINE_PUBLIC_URL and TWILIO_API_BASE (tests).
Without them the channel is disabled (one log line) and its webhook answers 404.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from typing import Any, Optional
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels import channel_store, sms_text
from bot.channels.common import (
    NOT_TAKEN,
    RETRY_TEXT,
    TAKEN,
    UNAVAILABLE_REPLY,
    AddressedOutput,
    OnNewMessage,
    best_effort,
    converse,
    erase,
    take_delivery,
)
from helpline import privacy, safety_words, settings
from helpline.untrusted import SERVICE_BODY_BYTES, BadInput, refuse_if_larger

logger = logging.getLogger(__name__)
# Twilio's HTTP client logs request details (numbers, text) at INFO: keep it quiet.
_QUIET = logging.getLogger("bot.channels.sms.twilio_http")
_QUIET.setLevel(logging.WARNING)
logging.getLogger("twilio").setLevel(logging.WARNING)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio's opt-out keywords: the person wants no more texts from us.
OPT_OUT_WORDS = frozenset({
    "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout",
    "opt out", "opt-out", "revoke",
})
HELP_WORDS = frozenset({"help", "info"})
MORE_WORDS = frozenset({"more"})
HELP_TEXT = (
    "If you are in danger now, call 999. On a mobile, if you can't speak, dial 999 and "
    "press 55 when asked. This is an automated helpline assistant, not a person or the "
    "police. Send EXIT to end this chat and erase it; delete the texts on your phone too. "
    "Reply MORE to read the rest of a long reply, or a number to pick an option. "
    "STOP ends all texts from us."
)
NO_TEXT_REPLY = (
    "Sorry, I can only read text messages. Please write your message in words. "
    "If you are in danger now, call 999."
)


# What an incoming-message webhook must carry, and the shapes of the values we rely on.
REQUIRED = ("MessageSid", "AccountSid", "From", "To", "Body")
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-f]{32}")
PHONE_NUMBER = re.compile(r"\+[1-9][0-9]{6,14}")
COUNT = re.compile(r"[0-9]{1,3}")
COUNTS = ("NumMedia", "NumSegments")


def parse_form(request: Request) -> dict[str, str]:
    """The form fields of a Twilio webhook body (first value of each), or BadInput."""
    body = request.body or b""
    refuse_if_larger(len(body), SERVICE_BODY_BYTES)
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadInput("Send application/x-www-form-urlencoded, as Twilio does.", 415)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True,
                          errors="strict", max_num_fields=200)
    except ValueError:  # bad UTF-8 (raw or %-escaped), or a malformed field
        raise BadInput("The form body is malformed or not UTF-8.") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def check_message(fields: dict[str, str], account_sid: str) -> None:
    """BadInput unless `fields` are an incoming message for our account (see above)."""
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise BadInput(f"Not an incoming Twilio message: {', '.join(missing)} missing.")
    if not MESSAGE_SID.fullmatch(fields["MessageSid"]):
        raise BadInput("MessageSid is not a Twilio message SID (SM or MM, 32 hex digits).")
    if fields["AccountSid"] != account_sid:
        raise BadInput("The message is for another Twilio account.", 403)
    if not PHONE_NUMBER.fullmatch(fields["From"]):
        raise BadInput("From is not a phone number in E.164 form.")
    for name in COUNTS:
        if name in fields and not COUNT.fullmatch(fields[name]):
            raise BadInput(f"{name} is not a number.")


def replay_key(signature: str, fields: dict[str, str]) -> tuple[str, str]:
    """Keyed hashes of a request's signature and of the whole request (for first_use)."""
    return (privacy.keyed_hash("twilio-signature", signature),
            privacy.keyed_hash("twilio-request", json.dumps(sorted(fields.items()))))


class TwilioSmsInput(InputChannel):
    """Our Twilio SMS channel (see the module docstring)."""

    def __init__(self, account_sid: str = "", auth_token: str = "", from_number: str = "",
                 messaging_service_sid: str = "", public_url: str = "",
                 api_base: str = "") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.public_url = public_url.rstrip("/")
        self.api_base = api_base.rstrip("/")
        self._client: Optional[Client] = None

    @classmethod
    def name(cls) -> str:
        return "sms"

    @property
    def enabled(self) -> bool:
        return bool(self.account_sid and self.auth_token
                    and (self.from_number or self.messaging_service_sid))

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "TwilioSmsInput":
        """Settings from helpline.settings (credentials.yml gives none)."""
        config = settings.get()
        channel = cls(
            account_sid=config.twilio_account_sid,
            auth_token=config.twilio_auth_token.get_secret_value(),
            from_number=config.twilio_from_number,
            messaging_service_sid=config.twilio_messaging_service_sid,
            public_url=config.public_url,
            api_base=config.twilio_api_base,
        )
        if not channel.enabled:
            logger.info("SMS channel disabled: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                        "TWILIO_FROM_NUMBER (or TWILIO_MESSAGING_SERVICE_SID) to enable it.")
        return channel

    # ----------------------------------------------------------------------------- sending

    def client(self) -> Client:
        """Twilio's client with its async HTTP client (made inside the running loop)."""
        if self._client is None:
            http = AsyncTwilioHttpClient(logger=_QUIET, timeout=15)
            client = Client(self.account_sid, self.auth_token, http_client=http)
            if self.api_base:
                client.api.base_url = self.api_base
            self._client = client
        return self._client

    async def send_sms(self, to: str, body: str) -> bool:
        """Send one SMS; False (logged without content) when Twilio refuses or is down."""
        kwargs: dict[str, Any] = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        try:
            await self.client().messages.create_async(**kwargs)
            return True
        except Exception as error:  # noqa: BLE001 - log the kind, never the content
            logger.error("Sending an SMS failed (%s).", type(error).__name__)
            return False

    async def send_turn(self, conversation_id: str, to: str,
                        messages: list[dict[str, Any]]) -> None:
        """Shape one bot turn into a single SMS (3 segments at most) and send it."""
        body, payloads = sms_text.compose(messages)
        if not body:
            return
        first, rest = sms_text.split(body)
        await best_effort(channel_store.set_pending, conversation_id, payloads, rest)
        await self.send_sms(to, first)

    async def send_more(self, conversation_id: str, to: str, rest: str,
                        payloads: list[str]) -> None:
        first, rest = sms_text.split(rest)
        await asyncio.to_thread(channel_store.set_pending, conversation_id, payloads, rest)
        await self.send_sms(to, first)

    # ----------------------------------------------------------------------------- webhook

    def signature_ok(self, request: Request, fields: dict[str, str]) -> bool:
        signature = request.headers.get("x-twilio-signature") or ""
        if not signature:
            return False
        url = request.url
        if self.public_url:
            url = self.public_url + request.path
            if request.query_string:
                url += "?" + request.query_string
        validator = RequestValidator(self.auth_token)
        expected = validator.compute_signature(url, fields)
        if hmac.compare_digest(expected, signature):
            return True
        return bool(validator.validate(url, fields, signature))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "disabled"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("The SMS channel is not configured.", status=404)
            if not request.headers.get("x-twilio-signature"):
                return response.text("Missing X-Twilio-Signature.", status=403)
            try:
                fields = parse_form(request)
            except BadInput as error:
                return response.text(error.message, status=error.status)
            if not self.signature_ok(request, fields):
                return response.text("Invalid X-Twilio-Signature.", status=403)
            try:
                check_message(fields, self.account_sid)
            except BadInput as error:
                return response.text(error.message, status=error.status)
            sid, sender = fields["MessageSid"], fields["From"]
            try:
                fresh = await asyncio.to_thread(channel_store.first_use, *replay_key(
                    request.headers["x-twilio-signature"], fields))
            except NOT_TAKEN as error:
                logger.error("An SMS was not taken (%s); it should come again.",
                             type(error).__name__)
                await self.send_sms(sender, sms_text.shape_text(UNAVAILABLE_REPLY))
                return response.text("The message could not be taken now; please retry.",
                                     status=503)
            if not fresh:
                logger.warning("Refused a replayed SMS webhook (its signature was used).")
                return response.text("This signature was already used.", status=403)
            status = await take_delivery(
                self.name(), sid,
                lambda: self.handle(request.app, on_new_message, sender, fields),
                lambda: self.send_sms(sender, sms_text.shape_text(UNAVAILABLE_REPLY)))
            if status != TAKEN:
                return response.text(RETRY_TEXT[status], status=status)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return hook

    async def handle(self, app: Any, on_new_message: OnNewMessage, sender: str,
                     fields: dict[str, str]) -> None:
        """One incoming SMS, after the signature and duplicate checks."""
        conversation_id = privacy.pseudonymise(self.name(), sender)
        text = fields.get("Body", "").replace("\x00", "").strip()
        word = safety_words.normalise(text)
        if word in OPT_OUT_WORDS:
            await erase(app, conversation_id)  # Twilio confirms the opt-out itself
            return
        await asyncio.to_thread(channel_store.remember_address, conversation_id,
                                self.name(), sender)
        if not text:
            await self.send_sms(sender, NO_TEXT_REPLY)
            return
        if word in HELP_WORDS:
            await self.send_sms(sender, sms_text.shape_text(HELP_TEXT))
            return
        payloads, rest = await asyncio.to_thread(channel_store.pending, conversation_id)
        if word in MORE_WORDS and rest:
            await self.send_more(conversation_id, sender, rest, payloads)
            return
        text = sms_text.option_choice(text, payloads) or text
        outcome = await converse(app, on_new_message, self.name(), conversation_id, text)
        if outcome.erased:
            # Everything about the conversation is gone: send only the neutral reply.
            await self.send_sms(sender, sms_text.shape_text(outcome.messages[0]["text"]))
            return
        await self.send_turn(conversation_id, sender, outcome.messages)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return SmsOutput(self) if self.enabled else None


class SmsOutput(AddressedOutput):
    """Sends to the phone number of a (pseudonymous) conversation id: advisor replies."""

    @classmethod
    def name(cls) -> str:
        return "sms"

    async def deliver(self, conversation_id: str, address: str,
                      message: dict[str, Any]) -> None:
        await self.channel.send_turn(conversation_id, address, [message])
