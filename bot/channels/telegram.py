"""Telegram through python-telegram-bot: POST /webhooks/telegram/webhook, or polling.

- Webhook mode: every update must carry ``X-Telegram-Bot-Api-Secret-Token`` equal to
  TELEGRAM_WEBHOOK_SECRET (403 otherwise). Register the webhook with that secret_token.
- Polling mode (TELEGRAM_POLLING=1, for local use): the Rasa server fetches updates with
  getUpdates itself; no public URL needed.
- A duplicate update_id is dropped (kept in our database, so across restarts too).
- Replays: the secret token is the same on every request, so a captured update can be sent
  again under a new update_id, and after /exit it would bring the erased text back. Telegram
  signs nothing per request, but it never delivers one message (or one button press) in two
  updates: the webhook remembers a keyed hash of each message's chat and message id, and of
  each callback query id (``channel_replay_keys``, for as long as update ids), and answers
  403 to a second update carrying it. The same update_id again is Telegram's retry (200,
  dropped). Polling mode needs none of this: its updates come from Telegram itself.
- The sender id Rasa sees is an HMAC of the chat id; the chat id and the message ids of the
  chat are kept only to reply and to delete, and are erased with the conversation.
- Buttons become an inline keyboard; a press comes back as a callback query.
- /exit (also " /exit " and "/exit@OurBot": the whole message is the command, as with
  /help and /start) and the safety word erase the conversation on the server and delete
  the person's and the bot's messages with deleteMessages, in batches of up to 100
  (Telegram allows this only for messages under 48 hours old, as /help says).
- An edited message is read like a new one: what the person says now is what they mean
  ("hello" edited to "he's got a knife" must get the 999 reply, and a refusal would lose it).
- Stickers, photos and group chats get a polite reply.

Environment: TELEGRAM_BOT_TOKEN, and TELEGRAM_WEBHOOK_SECRET or TELEGRAM_POLLING=1;
optional TELEGRAM_API_BASE (tests). Without them the channel is disabled (one log line).
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import re
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.channels import channel_store
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
from helpline.untrusted import SERVICE_BODY_BYTES, BadInput, parse_json_object, refuse_if_larger

logger = logging.getLogger(__name__)
# httpx logs every request URL at INFO, and Telegram's URLs contain the bot token.
logging.getLogger("httpx").setLevel(logging.WARNING)

DEFAULT_API_BASE = "https://api.telegram.org/bot"
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
MAX_TEXT = 4000  # Telegram allows 4096 characters a message
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
HELP_TEXT = (
    "If you are in danger now, call 999. On a mobile, if you can't speak, dial 999 and "
    "press 55 when asked.\n\n"
    "This is an automated helpline assistant, not a person or the police.\n\n"
    "Send /exit at any time to end this chat. We erase what we hold about it on our server "
    "and delete the messages in this chat. Telegram only lets a bot delete messages that "
    "are under 48 hours old, so delete older ones yourself, or delete the whole chat. "
    "You can also choose your own safety word: send \"set a safety word\"."
)
NO_TEXT_REPLY = (
    "Sorry, I can only read text messages. Please write your message in words. "
    "If you are in danger now, call 999."
)
GROUP_REPLY = "Sorry, this service works only in a private chat with the bot."
CHOOSE = "Choose an option:"
# A whole message that is one bot command, optionally addressed to a bot: "/exit@OurBot".
COMMAND = re.compile(r"(/[A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?")


def command_of(text: str) -> str:
    """The command a whole message is ("/exit"), lower case; "" when it is not one."""
    match = COMMAND.fullmatch(text.strip())
    return match.group(1).lower() if match else ""


def replay_key(update: Update) -> Optional[str]:
    """A keyed hash of the message (chat and id) or button press an update carries."""
    if update.message is not None:
        return privacy.keyed_hash("telegram-message", str(update.message.chat.id),
                                  str(update.message.message_id))
    if update.callback_query is not None:
        return privacy.keyed_hash("telegram-callback", str(update.callback_query.id))
    return None


class TelegramInput(InputChannel):
    """Our Telegram channel (see the module docstring)."""

    def __init__(self, token: str = "", secret: str = "", api_base: str = "",
                 polling: bool = False) -> None:
        self.token = token
        self.secret = secret
        self.api_base = api_base or DEFAULT_API_BASE
        self.polling = polling
        self._bot: Optional[Bot] = None
        self._poller: Optional[asyncio.Task] = None

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @property
    def enabled(self) -> bool:
        return bool(self.token and (self.secret or self.polling))

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "TelegramInput":
        """Settings from helpline.settings (credentials.yml gives none)."""
        config = settings.get()
        channel = cls(token=config.telegram_bot_token.get_secret_value(),
                      secret=config.telegram_webhook_secret.get_secret_value(),
                      api_base=config.telegram_api_base, polling=config.telegram_polling)
        if not channel.enabled:
            logger.info("Telegram channel disabled: set TELEGRAM_BOT_TOKEN and "
                        "TELEGRAM_WEBHOOK_SECRET (or TELEGRAM_POLLING=1) to enable it.")
        return channel

    def bot(self) -> Bot:
        """The Bot API client (made inside the running loop)."""
        if self._bot is None:
            self._bot = Bot(self.token, base_url=self.api_base)
        return self._bot

    # ----------------------------------------------------------------------------- sending

    async def send(self, conversation_id: Optional[str], chat_id: int,
                   messages: list[dict[str, Any]]) -> list[int]:
        """Send bot messages; record their ids (unless conversation_id is None)."""
        sent: list[int] = []
        for message in messages:
            text = str(message.get("text") or "").strip()
            buttons = [b for b in message.get("buttons") or [] if b.get("title")]
            if not text and not buttons:
                continue
            markup = None
            if buttons:
                markup = InlineKeyboardMarkup([
                    [InlineKeyboardButton(
                        str(b["title"])[:64],
                        callback_data=str(b.get("payload") or b["title"]).encode()[:64]
                        .decode("utf-8", "ignore"))]
                    for b in buttons])
            try:
                result: Message = await self.bot().send_message(
                    chat_id, (text or CHOOSE)[:MAX_TEXT], reply_markup=markup)
                sent.append(result.message_id)
            except Exception as error:  # noqa: BLE001 - log the kind, never the content
                logger.error("Sending a Telegram message failed (%s).", type(error).__name__)
        if sent and conversation_id:
            await best_effort(channel_store.remember_messages, conversation_id, sent)
        return sent

    async def delete_chat_messages(self, chat_id: int, message_ids: list[int]) -> None:
        """deleteMessages in batches of up to 100 ids."""
        ids = sorted(set(message_ids))
        for start in range(0, len(ids), DELETE_BATCH):
            try:
                await self.bot().delete_messages(chat_id, ids[start:start + DELETE_BATCH])
            except Exception as error:  # noqa: BLE001
                logger.error("Deleting Telegram messages failed (%s).", type(error).__name__)

    # ----------------------------------------------------------------------------- updates

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            mode = "polling" if self.polling else "webhook"
            return response.json({"status": mode if self.enabled else "disabled"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled or not self.secret:
                return response.json({"error": "The Telegram webhook is not configured."},
                                     status=404)
            given = request.headers.get("x-telegram-bot-api-secret-token") or ""
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                return response.json({"error": "Wrong or missing secret token."}, status=403)
            try:
                update = self.parse_update(request)
            except BadInput as error:
                return response.json({"error": error.message}, status=error.status)
            key = replay_key(update)
            try:
                fresh = key is None or await asyncio.to_thread(
                    channel_store.first_use, key, str(update.update_id))
            except NOT_TAKEN as error:
                logger.error("A telegram update was not taken (%s); it should come again.",
                             type(error).__name__)
                await self.tell_unavailable(update)
                return response.json({"error": "Not taken; please retry."}, status=503)
            if not fresh:
                logger.warning("Refused a replayed Telegram update (its message was seen).")
                return response.json({"error": "This message was already delivered."},
                                     status=403)
            status = await self.receive_update(request.app, on_new_message, update)
            if status != TAKEN:  # Telegram delivers the update again
                return response.json({"error": RETRY_TEXT[status]}, status=status)
            return response.json({"status": "ok"})

        if self.polling and self.enabled:
            @hook.listener("after_server_start")
            async def start_polling(app: Any, _loop: Any) -> None:
                self._poller = asyncio.create_task(self.poll(app, on_new_message))

            @hook.listener("before_server_stop")
            async def stop_polling(_app: Any, _loop: Any) -> None:
                if self._poller is not None:
                    self._poller.cancel()

        return hook

    def parse_update(self, request: Request) -> Update:
        """A telegram.Update from a webhook body, or BadInput with a plain reason."""
        body = request.body or b""
        refuse_if_larger(len(body), SERVICE_BODY_BYTES)
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
        if content_type.lower() != "application/json":
            raise BadInput("Send application/json, as Telegram does.", 415)
        data = parse_json_object(body, SERVICE_BODY_BYTES)
        if isinstance(data.get("update_id"), bool) or not isinstance(data.get("update_id"), int):
            raise BadInput("The body is not a Telegram update (no update_id).")
        try:
            return Update.de_json(data, self.bot())
        except Exception:  # noqa: BLE001 - any malformed field
            raise BadInput("The body is not a valid Telegram update.") from None

    async def receive_update(self, app: Any, on_new_message: OnNewMessage,
                             update: Update) -> int:
        """Drop duplicates, then handle the update; never raises. The status to answer
        (common.take_delivery): anything but TAKEN means it must be delivered again."""
        return await take_delivery(self.name(), str(update.update_id),
                                   lambda: self.handle(app, on_new_message, update),
                                   lambda: self.tell_unavailable(update))

    async def tell_unavailable(self, update: Update) -> None:
        """Tell the person their message was not taken (never raises)."""
        chat = update.effective_chat
        if chat is not None and chat.type == "private":
            await self.send(None, chat.id, [{"text": UNAVAILABLE_REPLY}])

    async def handle(self, app: Any, on_new_message: OnNewMessage, update: Update) -> None:
        """One update: a text message, a button press, or something we politely refuse."""
        if update.callback_query is not None:
            query = update.callback_query
            try:
                await query.answer()
            except Exception as error:  # noqa: BLE001
                logger.warning("Answering a button press failed (%s).", type(error).__name__)
            chat = query.message.chat if query.message is not None else None
            text, incoming = query.data or "", []
        elif (update.message or update.edited_message) is not None:  # new, or edited
            message = update.message or update.edited_message
            chat, text = message.chat, message.text or ""
            incoming = [message.message_id]
        else:
            return  # channel posts, polls ...: nothing for us
        if chat is None:
            return
        if chat.type != "private":
            await self.send(None, chat.id, [{"text": GROUP_REPLY}])
            return

        conversation_id = privacy.pseudonymise(self.name(), str(chat.id))
        await asyncio.to_thread(channel_store.remember_address, conversation_id,
                                self.name(), str(chat.id))
        if incoming:
            await asyncio.to_thread(channel_store.remember_messages, conversation_id, incoming)
        if not text.strip():
            await self.send(conversation_id, chat.id, [{"text": NO_TEXT_REPLY}])
            return
        command = command_of(text)
        if command == "/help":
            await self.send(conversation_id, chat.id, [{"text": HELP_TEXT}])
            return
        if command == "/exit":
            await self.exit(app, conversation_id, chat.id)
            return
        if command == "/start":
            text = "hello"

        to_delete = await asyncio.to_thread(channel_store.deletable_messages, conversation_id)
        outcome = await converse(app, on_new_message, self.name(), conversation_id, text)
        if outcome.erased:
            await self.delete_chat_messages(chat.id, to_delete)
            await self.send(None, chat.id, outcome.messages)
            return
        await self.send(conversation_id, chat.id, outcome.messages)

    async def exit(self, app: Any, conversation_id: str, chat_id: int) -> None:
        """/exit: erase on the server, delete the chat's messages, one neutral reply."""
        to_delete = await asyncio.to_thread(channel_store.deletable_messages, conversation_id)
        await erase(app, conversation_id)
        await self.delete_chat_messages(chat_id, to_delete)
        await self.send(None, chat_id, [{"text": safety_words.neutral_reply()}])

    async def poll(self, app: Any, on_new_message: OnNewMessage) -> None:
        """Polling mode: fetch updates with getUpdates and handle them, until cancelled."""
        offset: Optional[int] = None
        try:
            await self.bot().delete_webhook()
        except Exception as error:  # noqa: BLE001
            logger.warning("Could not remove the Telegram webhook (%s).", type(error).__name__)
        logger.info("Telegram polling started.")
        while True:
            try:
                updates = await self.bot().get_updates(
                    offset=offset, timeout=20, allowed_updates=ALLOWED_UPDATES)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001
                logger.warning("Telegram polling failed (%s); retrying.", type(error).__name__)
                await asyncio.sleep(5)
                continue
            for update in updates:
                if await self.receive_update(app, on_new_message, update) != TAKEN:
                    await asyncio.sleep(5)  # fetched again from this offset
                    break
                offset = update.update_id + 1

    def get_output_channel(self) -> Optional[OutputChannel]:
        return TelegramOutput(self) if self.enabled else None


class TelegramOutput(AddressedOutput):
    """Sends to the chat of a (pseudonymous) conversation id: advisor replies."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def deliver(self, conversation_id: str, address: str,
                      message: dict[str, Any]) -> None:
        await self.channel.send(conversation_id, int(address), [message])
